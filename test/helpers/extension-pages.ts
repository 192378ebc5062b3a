// Harder portal pages for the extension's end-to-end test, built from the project's own demo
// generator so a clean clone needs no outside fixtures: codes written the ways real pages write
// them (full width, lower case, zero-width characters, split over elements, in form fields, in a
// shadow root, in a same-origin iframe, added later by script), names in prose, a branch of a
// listed organization, a code with a broken checksum, and list data carrying HTML.
import { generateUSCC, USCC_CHARSET } from '@credcheck/sdk/identifiers';
import { maskIdPublic } from '@credcheck/sdk/mask';
import { normalizeName } from '@credcheck/sdk/names';
import type { DatasetRow } from '../../api/src/demo/dataset.ts';
import { seededRandom } from './seeded-random.ts';

export type SubjectStatus = 'black' | 'suspended' | 'red' | 'expired' | 'clean';

/** The columns the status rules read; fixture lists.csv has no `status` column (all active). */
export interface ListRow {
  uscc: string;
  name: string;
  kind: string;
  decided_on: string;
  valid_until: string;
  subject_type: string;
  status?: string;
}

export interface ListedSubject {
  code: string;
  name: string;
  type: string;
  status: SubjectStatus;
}

/**
 * CONVENTIONS.md "Subject status", written out again here rather than imported from the API so the
 * test can disagree with it: black > suspended > red > expired > clean at `today`.
 */
export function subjectStatuses(rows: Iterable<ListRow>, today: string): Map<string, ListedSubject> {
  const flags = new Map<string, { s: ListedSubject; black: boolean; suspended: boolean; red: boolean }>();
  for (const r of rows) {
    let f = flags.get(r.uscc);
    if (!f) {
      f = {
        s: { code: r.uscc, name: r.name, type: r.subject_type, status: 'expired' },
        black: false,
        suspended: false,
        red: false,
      };
      flags.set(r.uscc, f);
    }
    if (r.decided_on > today) continue;
    const recorded = r.status || 'active';
    if (recorded !== 'active' && recorded !== 'suspended') continue;
    if (r.valid_until !== '' && r.valid_until < today) continue;
    if (r.kind === 'black') {
      if (recorded === 'active') f.black = true;
      else f.suspended = true;
    } else if (recorded === 'active') f.red = true;
  }
  const out = new Map<string, ListedSubject>();
  for (const [code, f] of flags) {
    f.s.status = f.black ? 'black' : f.suspended ? 'suspended' : f.red ? 'red' : 'expired';
    out.set(code, f.s);
  }
  return out;
}

/** One badge the extension must show. */
export interface ExpectedBadge {
  /** What the page does to the text (shown in failure messages). */
  case: string;
  frame: boolean;
  match: 'code' | 'id' | 'name';
  /** data-code: the normalized code, or the public-masked ID. */
  code?: string;
  /** data-name: the normalized name, for name matches. */
  name?: string;
  status: SubjectStatus | 'invalid' | 'related';
  /** Added by the page's script after load (`timer`) or on a click of #more (`click`). */
  later?: 'timer' | 'click';
}

export interface HardPages {
  /** Path → HTML. */
  pages: Map<string, string>;
  path: string;
  expected: ExpectedBadge[];
  /** A page of codes shown nowhere else, for the offline check. */
  offlinePath: string;
  offlineExpected: ExpectedBadge[];
  /** Names on the page that match no listed subject: no badge. */
  unlistedNames: string[];
  /** The subject whose list entry carries HTML, and that HTML. */
  injected: InjectedSubject;
  /** A person's full ID number, which only the page itself may show. */
  personId: string;
}

export interface InjectedSubject {
  code: string;
  name: string;
  reason: string;
  designator: string;
}

/** A black-list row whose free text is HTML and script: the card must show it as text. */
export function injectedRow(code: string, today: string): DatasetRow {
  return {
    uscc: code,
    name: '注入<b>测试</b>科技有限公司',
    list_type: 'gov-procurement-serious-violation',
    kind: 'black',
    designator: '<script>window.__credcheckInjected = 1</script>财政部门',
    basis: '财库〔2026〕<i>1</i>号',
    reason: '<img src=x onerror=alert(1)>',
    decided_on: `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`,
    valid_until: `${Number(today.slice(0, 4)) + 2}${today.slice(4)}`,
    published_on: '',
    legal_rep: '测试',
    legal_rep_id: '',
    subject_type: 'org',
    status: 'active',
  };
}

const FULL_WIDTH_OFFSET = 0xfee0;
const toFullWidth = (s: string) =>
  s.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + FULL_WIDTH_OFFSET));
const esc = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** The same code with another check character: well-formed, failing its checksum. */
function brokenCode(code: string): string {
  const last = code.at(-1)!;
  const other = USCC_CHARSET[(USCC_CHARSET.indexOf(last) + 7) % USCC_CHARSET.length]!;
  return code.slice(0, 17) + other;
}

/**
 * Lays out subjects picked from `pickFrom`; their statuses come from everything the API imported
 * (`listed`, keyed by code), as do the checks that a made-up code or name is really unlisted.
 * Organizations picked have a unique name ending in 有限公司, so a name match is unambiguous.
 */
export function buildHardPages(
  listed: Map<string, ListedSubject>,
  injected: InjectedSubject,
  /** Codes the page's subjects are picked from (the generated ones): the same page with or without fixtures. */
  pickFrom: ReadonlySet<string>,
): HardPages {
  const nameCount = new Map<string, number>();
  for (const s of listed.values())
    nameCount.set(normalizeName(s.name), (nameCount.get(normalizeName(s.name)) ?? 0) + 1);
  const used = new Set<string>([injected.code]);
  const take = (status: SubjectStatus, type = 'org'): ListedSubject => {
    for (const s of listed.values()) {
      if (used.has(s.code) || !pickFrom.has(s.code) || s.status !== status || s.type !== type) continue;
      if (
        type === 'org' &&
        (!/有限公司$/.test(s.name) || /分公司|<|>/.test(s.name) || nameCount.get(normalizeName(s.name)) !== 1)
      )
        continue;
      used.add(s.code);
      return s;
    }
    throw new Error(`the generated lists hold no further ${status} ${type}`);
  };
  const rand = seededRandom(20261123);
  const unlisted = () => {
    for (;;) {
      const code = generateUSCC(rand);
      if (!listed.has(code)) return code;
    }
  };

  const expected: ExpectedBadge[] = [];
  const rows: string[] = [];
  const codeRow = (
    label: string,
    cell: string,
    e: Omit<ExpectedBadge, 'frame' | 'match'> & { match?: ExpectedBadge['match'] },
  ) => {
    rows.push(`<tr data-case="${e.case}"><td>${label}</td><td class="code">${cell}</td></tr>`);
    expected.push({ frame: false, match: 'code', ...e });
  };

  const plain = take('black');
  codeRow('普通写法', plain.code, { case: 'plain', code: plain.code, status: 'black' });
  const full = take('black');
  codeRow('全角字符', toFullWidth(full.code), { case: 'full-width', code: full.code, status: 'black' });
  const lower = take('red');
  codeRow('小写字母', lower.code.toLowerCase(), { case: 'lower-case', code: lower.code, status: 'red' });
  const zw = take('expired');
  const zwText = `${zw.code.slice(0, 6)}\u200b${zw.code.slice(6, 12)}\u200c${zw.code.slice(12)}`;
  codeRow('零宽字符', zwText, { case: 'zero-width', code: zw.code, status: 'expired' });
  const split = take('black');
  const splitHtml = `<span>${split.code.slice(0, 2)}</span><span>${split.code.slice(2, 8)}</span><b>${split.code.slice(8, 17)}</b><span>${split.code.slice(17)}</span>`;
  codeRow('跨元素拆分', splitHtml, { case: 'split-spans', code: split.code, status: 'black' });
  const clean = unlisted();
  codeRow('未列入名单', clean, { case: 'unlisted', code: clean, status: 'clean' });
  const broken = take('black');
  const bad = brokenCode(broken.code);
  codeRow('校验位错误', bad, { case: 'invalid-checksum', code: bad, status: 'invalid' });
  let suspended: ListedSubject | undefined;
  try {
    suspended = take('suspended');
  } catch {
    // A small generated set may hold no suspended subject; the other cases still stand.
  }
  if (suspended)
    codeRow('异议期间', suspended.code, { case: 'suspended', code: suspended.code, status: 'suspended' });
  const person = take('black', 'person');
  codeRow('自然人身份证号', person.code, {
    case: 'person-id',
    match: 'id',
    code: maskIdPublic(person.code),
    status: 'black',
  });
  codeRow('名单含有标记', injected.code, { case: 'html-in-list-data', code: injected.code, status: 'black' });

  const input = take('black');
  expected.push({ case: 'input-value', frame: false, match: 'code', code: input.code, status: 'black' });
  const textarea = take('red');
  expected.push({ case: 'textarea-value', frame: false, match: 'code', code: textarea.code, status: 'red' });
  const shadow = take('red');
  expected.push({ case: 'open-shadow-root', frame: false, match: 'code', code: shadow.code, status: 'red' });
  const framed = take('black');
  expected.push({
    case: 'same-origin-iframe',
    frame: true,
    match: 'code',
    code: framed.code,
    status: 'black',
  });

  const named = take('black');
  expected.push({
    case: 'name-in-prose',
    frame: false,
    match: 'name',
    name: normalizeName(named.name),
    status: 'black',
  });
  const parent = take('black');
  const branch = `${parent.name}东城分公司`;
  expected.push({
    case: 'branch-of-listed',
    frame: false,
    match: 'name',
    name: normalizeName(branch),
    status: 'related',
  });
  const unlistedNames = ['临川澄澈虚构测绘有限公司'];
  for (const n of unlistedNames)
    if (nameCount.has(normalizeName(n))) throw new Error(`${n} is a listed name`);

  const timer = take('red');
  expected.push({
    case: 'row-added-by-timer',
    frame: false,
    match: 'code',
    code: timer.code,
    status: 'red',
    later: 'timer',
  });
  const clicked = take('black');
  expected.push({
    case: 'row-added-on-click',
    frame: false,
    match: 'code',
    code: clicked.code,
    status: 'black',
    later: 'click',
  });

  // Subjects no other page shows, so nothing about them can have been fetched before the API is
  // gone: an offline answer can only come from the local snapshot.
  const offlineExpected: ExpectedBadge[] = [];
  for (const status of ['black', 'red', 'expired'] as const) {
    const s = take(status);
    offlineExpected.push({ case: `offline-${status}`, frame: false, match: 'code', code: s.code, status });
  }
  const offlineClean = unlisted();
  offlineExpected.push({
    case: 'offline-unlisted',
    frame: false,
    match: 'code',
    code: offlineClean,
    status: 'clean',
  });
  const offline = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>开标记录（离线核验）</title></head><body>
<table>${offlineExpected.map((e, i) => `<tr><td>${i + 1}</td><td>${e.code}</td></tr>`).join('\n')}</table>
</body></html>`;

  const path = '/gen/hard-cases.html';
  const main = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>投标人信用核验（扩展测试页）</title>
<style>body{font:14px sans-serif;margin:16px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px}</style>
</head><body>
<h1>开标记录：投标人信用核验</h1>
<table id="codes"><thead><tr><th>写法</th><th>统一社会信用代码</th></tr></thead><tbody>
${rows.join('\n')}
</tbody></table>
<form><label>供应商代码 <input id="code-input" size="24" value="${input.code}"></label><br>
<label>备注 <textarea id="note" rows="2" cols="40">${textarea.code}</textarea></label></form>
<div id="shadow-host"></div>
<p id="prose">据悉，${esc(named.name)}曾参与本项目投标。另，${esc(branch)}亦递交了响应文件。${unlistedNames[0]}未递交。</p>
<iframe id="frame" src="/gen/hard-frame.html" width="600" height="120"></iframe>
<table id="later"><tbody></tbody></table>
<button id="more" type="button">加载更多</button>
<script>
  (function () {
    var host = document.getElementById('shadow-host');
    host.attachShadow({ mode: 'open' }).innerHTML = '<p>组件内代码：<span>${shadow.code}</span></p>';
    function add(code) {
      var tr = document.createElement('tr');
      tr.innerHTML = '<td>后加载</td><td class="code"></td>';
      tr.lastChild.textContent = code;
      document.querySelector('#later tbody').appendChild(tr);
    }
    setTimeout(function () { add('${timer.code}'); document.body.setAttribute('data-timer', '1'); }, 600);
    document.getElementById('more').addEventListener('click', function () { add('${clicked.code}'); });
  })();
</script>
</body></html>`;
  const frame = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>嵌入页</title></head><body>
<table><tr><td>嵌入页中的代码</td><td>${framed.code}</td></tr></table>
</body></html>`;
  return {
    pages: new Map([
      [path, main],
      ['/gen/hard-frame.html', frame],
      ['/gen/offline.html', offline],
    ]),
    offlinePath: '/gen/offline.html',
    offlineExpected,
    path,
    expected,
    unlistedNames: unlistedNames.map(normalizeName),
    injected,
    personId: person.code,
  };
}
