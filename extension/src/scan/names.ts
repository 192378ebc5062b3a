/**
 * Name runs: for each company-form or branch suffix in a run of text, the text before it up to a
 * stop (punctuation, whitespace, quotes) and at most MAX_RUN characters. The background finds the
 * listed name inside the run, so the run may start with other words (第一中标候选人…).
 */
import { BRANCH_KINDS, COMPANY_FORM_SUFFIXES } from '@credcheck/sdk/names';

/** Longest name worth a run; real names are shorter, and the background caps strings at 200. */
export const MAX_RUN = 48;
/** Shortest run: a suffix alone (公司, 厂) or with one character before it names no one. */
const MIN_RUN = 4;

const CJK_SUFFIX = /^[\u3400-\u9fff()]+$/;

function bracketPattern(s: string): string {
  return s.replace(/[()]/g, (c) => (c === '(' ? '[(（]' : '[)）]'));
}

const suffixes = [...COMPANY_FORM_SUFFIXES.filter((s) => CJK_SUFFIX.test(s)), ...BRANCH_KINDS].sort(
  (a, b) => b.length - a.length,
);
const SUFFIX_RE = new RegExp(suffixes.map(bracketPattern).join('|'), 'g');
const BRANCH = new Set<string>(BRANCH_KINDS);

/** Characters a name never contains: punctuation other than brackets, and whitespace. */
const STOP = /[\s\u00a0\u3000,.;:!?'"，。；：、！？“”‘’《》〈〉「」『』·…—\-/|<>=+*&%$#@~^`\\]/;

export interface NameCandidate {
  /** Start of the run (where the name may begin at the earliest). */
  start: number;
  /** End of the suffix: where the name ends. */
  end: number;
}

export function findNameCandidates(text: string): NameCandidate[] {
  const matches: { start: number; end: number; branch: boolean }[] = [];
  SUFFIX_RE.lastIndex = 0;
  for (let m = SUFFIX_RE.exec(text); m; m = SUFFIX_RE.exec(text)) {
    matches.push({ start: m.index, end: m.index + m[0].length, branch: BRANCH.has(m[0]) });
  }
  const out: NameCandidate[] = [];
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i] as { start: number; end: number };
    const next = matches[i + 1];
    // A branch's name contains its parent's (…有限公司北京分公司), and a suffix followed at once
    // by another (…中心有限公司) is not where the name ends: only the longer name is a run.
    if (next && !hasStop(text, m.end, next.start) && (next.branch || next.start === m.end)) continue;
    let start = m.start;
    const floor = Math.max(0, m.end - MAX_RUN);
    while (start > floor && !STOP.test(text.charAt(start - 1))) start--;
    if (m.end - start >= MIN_RUN) out.push({ start, end: m.end });
  }
  return out;
}

function hasStop(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (STOP.test(text.charAt(i))) return true;
  return false;
}

/**
 * What may sit between a name and its code: brackets, commas, colons, spaces and a label such as
 * 统一社会信用代码 (as in 某某有限公司（统一社会信用代码：9142…）).
 */
const LABEL_GAP =
  /^[\s\u00a0\u3000,，(（[［【:：]*(?:统一社会信用代码|社会信用代码|信用代码|组织机构代码|公民身份号码|身份证号码|身份证号|证件号码|代码|USCC)?[\s\u00a0\u3000:：]*$/i;

export function isLabelGap(gap: string): boolean {
  return gap.length <= 24 && LABEL_GAP.test(gap);
}
