import { classifyCode, cleanCode, validateResidentId, validateUSCC } from '@credcheck/sdk/identifiers';
import { maskIdStaff } from '@credcheck/sdk/mask';
import { normalizeName } from '@credcheck/sdk/names';
import type { Catalog } from '../domain/catalog.ts';
import type { ImportRecord, ListKind, StoredStatus, SubjectType } from '../domain/model.ts';
import { personKey } from '../domain/person-key.ts';
import { parseDate } from './dates.ts';
import type { RowError } from './errors.ts';
import { F, type Field } from './fields.ts';
import { KeySet } from './key-set.ts';
import { cleanText } from './text-fields.ts';

/** A row as read from any format: cells indexed by FIELDS (undefined when the file lacks the column). */
export type RowValues = Array<string | undefined>;

export interface ValidatorOptions {
  catalog: Catalog;
  /** HMAC key for person keys; the clear ID number never leaves the validator. */
  secret: string;
  /** Reference date for "birth date in the future" checks, YYYY-MM-DD; default: the real date. */
  today?: string;
  /** Column labels as written in the file, for messages. */
  labels?: readonly string[];
  /**
   * Receives rows accepted with a warning. A USCC whose check character (or embedded organization
   * code check) fails is imported as published, because real registries contain such codes; the
   * report says so instead of dropping or rejecting the row.
   */
  onWarning?: (warning: RowError) => void;
}

const MAX = { name: 200, designator: 200, basis: 200, reason: 2000, legalRep: 100, department: 200 } as const;

const KIND_WORDS: Record<string, ListKind> = {
  red: 'red',
  black: 'black',
  红: 'red',
  红名单: 'red',
  守信: 'red',
  守信激励: 'red',
  黑: 'black',
  黑名单: 'black',
  失信: 'black',
  失信惩戒: 'black',
};

const SUBJECT_WORDS: Record<string, SubjectType> = {
  org: 'org',
  organization: 'org',
  organisation: 'org',
  company: 'org',
  法人: 'org',
  组织: 'org',
  企业: 'org',
  单位: 'org',
  法人和非法人组织: 'org',
  法人及其他组织: 'org',
  person: 'person',
  individual: 'person',
  naturalperson: 'person',
  自然人: 'person',
  个人: 'person',
};

const STATUS_WORDS: Record<string, StoredStatus> = {
  active: 'active',
  suspended: 'suspended',
  repaired: 'repaired',
  revoked: 'revoked',
  有效: 'active',
  生效: 'active',
  正常: 'active',
  异议: 'suspended',
  异议中: 'suspended',
  核实中: 'suspended',
  暂停: 'suspended',
  暂停执行: 'suspended',
  已修复: 'repaired',
  修复: 'repaired',
  信用修复: 'repaired',
  已撤销: 'revoked',
  撤销: 'revoked',
  已移出: 'revoked',
};

const wordKey = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');

/** Digit strings of ID length may be someone's ID number: reports show them masked. */
const shownCode = (raw: string) => (/^\d{14,17}[\dXx]$/.test(raw) ? maskIdStaff(raw) : raw);

/** An 18-digit code Excel stored as a number: 15 significant digits, then zeros. */
const EXCEL_ROUNDED = /^\d{15}000$/;

/** Excel shows an 18-digit number as 9.11305E+17 and saves that into a CSV. */
const SCIENTIFIC = /^\d(?:\.\d+)?E\+?\d+$/i;

interface ListTypeRule {
  code: string;
  kind: ListKind;
  subjectTypes: readonly SubjectType[];
}

type SubjectPart = ImportRecord['subject'];

/**
 * Turns raw rows into ImportRecords or row errors. Stateful only for what spans rows: the natural
 * keys seen (a duplicate names the first line) and the last subject (a list's consecutive rows for
 * one subject are checked and hashed once).
 */
export class RowValidator {
  private readonly listTypes = new Map<string, ListTypeRule>();
  private readonly seen = new KeySet();
  private readonly labels: readonly string[];
  private readonly idOptions: { referenceDate: string } | undefined;
  private lastPersonId = '';
  private lastPersonKey = '';
  /** The subject cells of the previous row and what they gave. */
  private readonly lastCells: Array<string | undefined> = new Array(SUBJECT_FIELDS.length).fill(undefined);
  private lastSubject: SubjectPart | null = null;
  /** The row being validated: set by validate(), read by the helpers below. */
  private line = 0;
  private errors: RowError[] = [];

  constructor(private readonly opts: ValidatorOptions) {
    for (const t of opts.catalog.listTypes) {
      const rule = { code: t.code, kind: t.kind, subjectTypes: t.subjectTypes };
      this.listTypes.set(t.code, rule);
      this.listTypes.set(t.nameZh, rule);
    }
    this.labels = opts.labels ?? [];
    this.idOptions = opts.today ? { referenceDate: opts.today } : undefined;
  }

  private label(f: number, fallback: Field): string {
    return this.labels[f] ?? fallback;
  }

  private err(f: number, field: Field, value: string | undefined, message: string, messageZh: string): void {
    const e: RowError = { line: this.line, column: this.label(f, field), message, messageZh };
    if (value !== undefined && value !== '') e.value = value.length > 100 ? `${value.slice(0, 100)}…` : value;
    this.errors.push(e);
  }

  private text(v: RowValues, f: number, field: Field, max: number, required: boolean): string {
    const raw = v[f];
    const r = cleanText(raw, max);
    if (typeof r !== 'string') {
      this.err(f, field, raw, `${field} ${r.message}`, `${this.label(f, field)}${r.messageZh}`);
      return '';
    }
    if (required && r === '')
      this.err(f, field, undefined, `${field} is empty`, `${this.label(f, field)}为空`);
    return r;
  }

  private date(v: RowValues, f: number, field: Field, required: boolean): string | null {
    const raw = v[f];
    const fast = raw === undefined ? null : isoDateOrNull(raw);
    if (fast !== null) return fast;
    const t = (raw ?? '').trim();
    if (t === '') {
      if (required) this.err(f, field, undefined, `${field} is empty`, `${this.label(f, field)}为空`);
      return null;
    }
    const d = parseDate(t);
    if (d.ok) return d.iso;
    if (d.reason === 'calendar') {
      this.err(
        f,
        field,
        t,
        `${field} "${t}" is not a real calendar date`,
        `${this.label(f, field)}“${t}”不是真实存在的日期`,
      );
    } else {
      this.err(
        f,
        field,
        t,
        `${field} "${t}" is not a date (use YYYY-MM-DD)`,
        `${this.label(f, field)}“${t}”不是日期（应为 YYYY-MM-DD）`,
      );
    }
    return null;
  }

  /** Returns the record, or null after pushing at least one error for the row. */
  validate(line: number, v: RowValues, errors: RowError[]): ImportRecord | null {
    this.line = line;
    this.errors = errors;
    const before = errors.length;
    const subject = this.subject(v);

    const listTypeRaw = this.text(v, F.list_type, 'list_type', 100, true);
    const rule =
      listTypeRaw === ''
        ? undefined
        : (this.listTypes.get(listTypeRaw) ?? this.listTypes.get(listTypeRaw.toLowerCase()));
    if (listTypeRaw !== '' && rule === undefined) {
      this.err(
        F.list_type,
        'list_type',
        listTypeRaw,
        `list_type "${listTypeRaw}" is not in the catalog (version ${this.opts.catalog.version})`,
        `名单类型“${listTypeRaw}”不在措施清单中（版本 ${this.opts.catalog.version}）`,
      );
    }

    const kindRaw = this.text(v, F.kind, 'kind', 20, true);
    const kind = kindRaw === '' ? undefined : (KIND_WORDS[kindRaw] ?? KIND_WORDS[wordKey(kindRaw)]);
    if (kindRaw !== '' && kind === undefined) {
      this.err(
        F.kind,
        'kind',
        kindRaw,
        `kind "${kindRaw}" must be red or black`,
        `名单性质“${kindRaw}”应为 red（红名单）或 black（黑名单）`,
      );
    } else if (kind !== undefined && rule !== undefined && kind !== rule.kind) {
      this.err(
        F.kind,
        'kind',
        kindRaw,
        `kind is ${kind} but ${rule.code} is a ${rule.kind} list`,
        `名单性质为${kind === 'red' ? '红' : '黑'}名单，但“${rule.code}”是${rule.kind === 'red' ? '红' : '黑'}名单`,
      );
    }
    if (rule !== undefined && subject !== null && !rule.subjectTypes.includes(subject.type)) {
      const who = subject.type === 'person' ? 'natural persons' : 'organizations';
      this.err(
        F.list_type,
        'list_type',
        rule.code,
        `${rule.code} does not list ${who}`,
        `名单类型“${rule.code}”不适用于${subject.type === 'person' ? '自然人' : '法人和非法人组织'}`,
      );
    }

    const designator = this.text(v, F.designator, 'designator', MAX.designator, true);
    const basis = this.text(v, F.basis, 'basis', MAX.basis, true);
    const reason = this.text(v, F.reason, 'reason', MAX.reason, true);
    const department = this.text(v, F.department, 'department', MAX.department, false);

    const decidedOn = this.date(v, F.decided_on, 'decided_on', true);
    const validUntil = this.date(v, F.valid_until, 'valid_until', false);
    const publishedOn = this.date(v, F.published_on, 'published_on', false);
    if (decidedOn !== null && validUntil !== null && validUntil < decidedOn) {
      this.err(
        F.valid_until,
        'valid_until',
        validUntil,
        `valid_until ${validUntil} is before decided_on ${decidedOn}`,
        `有效期至 ${validUntil} 早于认定日期 ${decidedOn}`,
      );
    }
    if (decidedOn !== null && publishedOn !== null && publishedOn < decidedOn) {
      this.err(
        F.published_on,
        'published_on',
        publishedOn,
        `published_on ${publishedOn} is before decided_on ${decidedOn}`,
        `公布日期 ${publishedOn} 早于认定日期 ${decidedOn}`,
      );
    }

    const statusRaw = v[F.status];
    let status: StoredStatus = 'active';
    if (statusRaw !== undefined && statusRaw !== '' && statusRaw !== 'active') {
      const t = statusRaw.trim();
      const st = t === '' ? 'active' : (STATUS_WORDS[t] ?? STATUS_WORDS[wordKey(t)]);
      if (st === undefined) {
        this.err(
          F.status,
          'status',
          t,
          `status "${t}" must be active, suspended, repaired or revoked`,
          `状态“${t}”应为 active（有效）、suspended（异议核实中）、repaired（已修复）或 revoked（已撤销）`,
        );
      } else status = st;
    }

    if (
      errors.length > before ||
      subject === null ||
      rule === undefined ||
      kind === undefined ||
      decidedOn === null
    ) {
      return null;
    }

    const first = this.seen.addOrGet(subject.key, rule.code, designator, basis, line);
    if (first !== 0) {
      errors.push({
        line,
        column: this.label(F.basis, 'basis'),
        value: basis,
        message: `duplicate of line ${first}: same subject, list type, designator and basis`,
        messageZh: `与第 ${first} 行重复：主体、名单类型、认定部门和认定依据均相同`,
      });
      return null;
    }

    return {
      line,
      subject,
      entry: {
        listType: rule.code,
        kind,
        designator,
        department: department === '' ? designator : department,
        basis,
        reason,
        decidedOn,
        publishedOn,
        validUntil,
        status,
      },
    };
  }

  /** The subject part of a row; reused as is when the previous row had the same subject cells. */
  private subject(v: RowValues): SubjectPart | null {
    if (this.lastSubject !== null) {
      let same = true;
      for (let i = 0; i < SUBJECT_FIELDS.length; i++) {
        if (v[SUBJECT_FIELDS[i]!] !== this.lastCells[i]) {
          same = false;
          break;
        }
      }
      if (same) return this.lastSubject;
    }
    const before = this.errors.length;
    const subject = this.checkSubject(v);
    if (subject === null || this.errors.length > before) {
      this.lastSubject = null;
      return null;
    }
    for (let i = 0; i < SUBJECT_FIELDS.length; i++) this.lastCells[i] = v[SUBJECT_FIELDS[i]!];
    this.lastSubject = subject;
    return subject;
  }

  private checkSubject(v: RowValues): SubjectPart | null {
    const before = this.errors.length;
    const codeRaw = (v[F.code] ?? '').trim();
    const code = cleanCode(codeRaw);
    const typeRaw = (v[F.subject_type] ?? '').trim();
    let type: SubjectType | undefined;
    if (typeRaw !== '') {
      type = SUBJECT_WORDS[typeRaw] ?? SUBJECT_WORDS[wordKey(typeRaw)];
      if (type === undefined) {
        this.err(
          F.subject_type,
          'subject_type',
          typeRaw,
          `subject_type "${typeRaw}" must be org or person`,
          `主体类型“${typeRaw}”应为 org（组织）或 person（自然人）`,
        );
      }
    }
    if (code === '') {
      this.err(
        F.code,
        'code',
        undefined,
        'the code (uscc / id_number) is empty',
        '统一社会信用代码或身份证号码为空',
      );
    } else if (SCIENTIFIC.test(codeRaw)) {
      this.err(
        F.code,
        'code',
        codeRaw,
        `"${codeRaw}" is a number in scientific notation: Excel converted the code; format the column as text and re-enter it`,
        `“${codeRaw}”是科学计数法数字：Excel 转换了代码，请将该列设为文本格式后重新录入`,
      );
    } else if (type === undefined && typeRaw === '') {
      const kind = classifyCode(code, this.idOptions);
      if (kind === 'uscc') type = 'org';
      else if (kind === 'resident-id') type = 'person';
      else if (kind === 'org-code') {
        this.err(
          F.code,
          'code',
          codeRaw,
          'this is a 9-character organization code; an import needs the 18-character unified social credit code',
          '这是9位组织机构代码；导入需要18位统一社会信用代码',
        );
      } else {
        const shown = shownCode(code);
        this.err(
          F.code,
          'code',
          shown,
          `"${shown}" is neither a unified social credit code nor a resident ID number (length ${code.length})`,
          `“${shown}”既不是统一社会信用代码，也不是公民身份号码（长度 ${code.length}）`,
        );
      }
    }

    let key = '';
    let storedCode: string | null = null;
    let idMasked: string | null = null;
    let division: string | null = null;
    if (this.errors.length === before && type === 'org') {
      const check = validateUSCC(code);
      if (!check.valid) {
        const f = check.failure!;
        if (classifyCode(code, this.idOptions) === 'resident-id') {
          this.err(
            F.code,
            'code',
            maskIdStaff(code),
            'subject_type is org but the code is a resident ID number, not a unified social credit code',
            '主体类型为组织，但代码是公民身份号码而不是统一社会信用代码',
          );
        } else if (
          (f.check === 'check-character' || f.check === 'org-code-check') &&
          !EXCEL_ROUNDED.test(code)
        ) {
          this.opts.onWarning?.({
            line: this.line,
            column: this.label(F.code, 'code'),
            value: code,
            message: `USCC ${code}: ${f.message} Imported as published; confirm it against the registration record.`,
            messageZh: `统一社会信用代码 ${code}：${f.messageZh}已按公布内容导入，请与登记信息核对。`,
          });
          key = code;
          storedCode = code;
          division = code.slice(2, 8);
        } else {
          const hint = f.suggestion
            ? { en: ` Did you mean ${f.suggestion}?`, zh: `是否应为 ${f.suggestion}？` }
            : EXCEL_ROUNDED.test(code)
              ? {
                  en: ' If the column is a number column in Excel, its last digits were lost (Excel keeps 15): format it as text and re-enter the codes.',
                  zh: '如该列在 Excel 中为数字格式，末尾数字已丢失（Excel 只保留15位）：请设为文本格式后重新录入。',
                }
              : { en: '', zh: '' };
          this.err(
            F.code,
            'code',
            codeRaw,
            `USCC ${code}: ${f.message}${hint.en}`,
            `统一社会信用代码 ${code}：${f.messageZh}${hint.zh}`,
          );
        }
      } else {
        key = check.normalized;
        storedCode = check.normalized;
        division = check.normalized.slice(2, 8);
      }
    } else if (this.errors.length === before && type === 'person') {
      const check = validateResidentId(code, this.idOptions);
      if (!check.valid && classifyCode(code, this.idOptions) === 'uscc') {
        this.err(
          F.code,
          'code',
          codeRaw,
          'subject_type is person but the code is a unified social credit code, not a resident ID number',
          '主体类型为自然人，但代码是统一社会信用代码而不是公民身份号码',
        );
      } else if (!check.valid) {
        // The number is personal data: the report shows it masked, and the message never repeats it.
        this.err(
          F.code,
          'code',
          maskIdStaff(code),
          `resident ID: ${check.failure!.message}`,
          `公民身份号码：${check.failure!.messageZh}`,
        );
      } else {
        key = this.personKey(check.normalized);
        idMasked = maskIdStaff(check.normalized);
        division = check.normalized.slice(0, 6);
      }
    }

    const nameResult = cleanText(v[F.name], MAX.name);
    let name = '';
    let normName = '';
    if (typeof nameResult !== 'string') {
      this.err(F.name, 'name', v[F.name], `name ${nameResult.message}`, `名称${nameResult.messageZh}`);
    } else if (nameResult === '') {
      this.err(F.name, 'name', undefined, 'name is empty', '名称为空');
    } else {
      name = nameResult;
      normName = normalizeName(name);
      if (normName === '')
        this.err(F.name, 'name', name, 'name has no letters or characters', '名称中没有有效文字');
    }

    let legalRep: string | null = null;
    let legalRepKey: string | null = null;
    const repResult = cleanText(v[F.legal_rep], MAX.legalRep);
    if (typeof repResult !== 'string') {
      this.err(
        F.legal_rep,
        'legal_rep',
        v[F.legal_rep],
        `legal_rep ${repResult.message}`,
        `法定代表人${repResult.messageZh}`,
      );
    } else if (repResult !== '') legalRep = repResult;
    const repIdRaw = (v[F.legal_rep_id] ?? '').trim();
    if (repIdRaw !== '') {
      const check = validateResidentId(repIdRaw, this.idOptions);
      if (!check.valid) {
        this.err(
          F.legal_rep_id,
          'legal_rep_id',
          maskIdStaff(cleanCode(repIdRaw)),
          `legal_rep_id: ${check.failure!.message}`,
          `法定代表人身份证号：${check.failure!.messageZh}`,
        );
      } else legalRepKey = this.personKey(check.normalized);
    }
    if (type === 'person' && (legalRep !== null || legalRepKey !== null)) {
      const f = legalRep !== null ? F.legal_rep : F.legal_rep_id;
      this.err(
        f,
        legalRep !== null ? 'legal_rep' : 'legal_rep_id',
        undefined,
        'a natural person has no legal representative',
        '自然人没有法定代表人',
      );
    }

    const divisionRaw = (v[F.division] ?? '').trim();
    if (divisionRaw !== '') {
      if (!/^\d{6}$/.test(divisionRaw)) {
        this.err(
          F.division,
          'division',
          divisionRaw,
          `division "${divisionRaw}" must be a 6-digit code`,
          `行政区划代码“${divisionRaw}”应为6位数字`,
        );
      } else division = divisionRaw;
    }

    if (this.errors.length > before || type === undefined) return null;
    return { type, key, code: storedCode, idMasked, name, normName, legalRep, legalRepKey, division };
  }

  /** HMAC of an ID, remembered for the next call: a legal representative's own row often follows. */
  private personKey(normalizedId: string): string {
    if (normalizedId !== this.lastPersonId) {
      this.lastPersonKey = personKey(this.opts.secret, normalizedId);
      this.lastPersonId = normalizedId;
    }
    return this.lastPersonKey;
  }
}

/** The cells that describe the subject (rather than the entry). */
const SUBJECT_FIELDS = [F.code, F.name, F.subject_type, F.legal_rep, F.legal_rep_id, F.division];

/** `YYYY-MM-DD` of a real date without a regex or an allocation; null sends the value the slow way. */
function isoDateOrNull(s: string): string | null {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return null;
  for (const i of DATE_DIGITS) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const y = Number(s.slice(0, 4));
  const m = (s.charCodeAt(5) - 48) * 10 + (s.charCodeAt(6) - 48);
  const day = (s.charCodeAt(8) - 48) * 10 + (s.charCodeAt(9) - 48);
  // Days 29–31 take the slow path, which knows month lengths and leap years.
  return m >= 1 && m <= 12 && day >= 1 && day <= 28 && y >= 1900 && y <= 2999 ? s : null;
}

const DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];
