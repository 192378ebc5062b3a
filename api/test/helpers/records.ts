import { orgCodeCheckChar, residentIdCheckChar, usccCheckChar } from '@credcheck/sdk/identifiers';
import type { ImportRecord, ListKind, StoredStatus } from '../../src/domain/model.ts';
import { personKey } from '../../src/domain/person-key.ts';

/** Deterministic import records for store tests and benchmarks: same n, same record, on every run. */

const DIVISIONS = ['310110', '110108', '440305', '512081', '350100', '650203'];

/** A valid enterprise USCC (prefix 91) for any n below 10^8; distinct n give distinct codes. */
export function usccFor(n: number): string {
  const body = String(n % 100_000_000).padStart(8, '0');
  const first17 = '91' + DIVISIONS[n % DIVISIONS.length]! + body + orgCodeCheckChar(body);
  return first17 + usccCheckChar(first17);
}

const LIST_TYPES: Array<{ code: string; kind: ListKind }> = [
  { code: 'dishonest-judgment-debtor', kind: 'black' },
  { code: 'major-tax-violation', kind: 'black' },
  { code: 'wage-arrears-migrant-workers', kind: 'black' },
  { code: 'a-grade-taxpayer', kind: 'red' },
];
const DESIGNATORS = [
  '上海市浦东新区人民法院',
  '国家税务总局上海市税务局',
  '上海市人力资源和社会保障局',
  '海关总署',
];
const STATUSES: StoredStatus[] = ['active', 'active', 'active', 'suspended', 'repaired', 'revoked'];

export interface RecordOverrides {
  subject?: Partial<ImportRecord['subject']>;
  entry?: Partial<ImportRecord['entry']>;
}

/** The n-th organization; `variant` picks one of its listings (same subject, another entry). */
export function orgRecord(n: number, variant = 0, over: RecordOverrides = {}): ImportRecord {
  const code = usccFor(n);
  const list = LIST_TYPES[(n + variant) % LIST_TYPES.length]!;
  const day = String(1 + ((n + variant) % 28)).padStart(2, '0');
  const name = `测试${n}号企业管理有限公司`;
  return {
    line: n + 2,
    subject: {
      type: 'org',
      key: code,
      code,
      idMasked: null,
      name,
      normName: name,
      legalRep: n % 3 === 0 ? null : `法人${n}`,
      legalRepKey: n % 3 === 1 ? personKey('test-secret', `legal-rep-${n}`) : null,
      division: code.slice(2, 8),
      ...over.subject,
    },
    entry: {
      listType: list.code,
      kind: list.kind,
      designator: DESIGNATORS[variant % DESIGNATORS.length]!,
      department: `dept-${variant % DESIGNATORS.length}`,
      basis: `（2024）沪0115执${n}号之${variant}`,
      reason: `第${n}号记录：有履行能力而拒不履行生效法律文书确定义务`,
      decidedOn: `2024-03-${day}`,
      publishedOn: `2024-04-${day}`,
      validUntil: n % 5 === 0 ? null : `2027-03-${day}`,
      status: STATUSES[n % STATUSES.length]!,
      ...over.entry,
    },
  };
}

/** A natural person: the key is the keyed hash of the ID number, never the number itself. */
export function personRecord(n: number, over: RecordOverrides = {}): ImportRecord {
  // Birth date and sequence number spread n over distinct IDs (unique below 16.8 million).
  const month = String(1 + (Math.floor(n / 50) % 12)).padStart(2, '0');
  const day = String(1 + (Math.floor(n / 600) % 28)).padStart(2, '0');
  const seq = String(Math.floor(n / 16_800) % 1000).padStart(3, '0');
  const first17 = `110105${1950 + (n % 50)}${month}${day}${seq}`;
  const id = first17 + residentIdCheckChar(first17);
  const base = orgRecord(n, 0, over);
  return {
    ...base,
    subject: {
      type: 'person',
      key: personKey('test-secret', id),
      code: null,
      idMasked: `${id.slice(0, 6)}********${id.slice(-4)}`,
      name: `张${n}`,
      normName: `张${n}`,
      legalRep: null,
      legalRepKey: null,
      division: id.slice(0, 6),
      ...over.subject,
    },
  };
}

/** `count` records over subjects numbered from `start`: 1–3 entries per subject, some persons. */
export function recordSet(count: number, start = 0): ImportRecord[] {
  const out: ImportRecord[] = [];
  for (let n = start; out.length < count; n++) {
    const entries = 1 + (n % 3);
    for (let v = 0; v < entries && out.length < count; v++) {
      out.push(n % 10 === 7 ? personRecord(n, { entry: orgRecord(n, v).entry }) : orgRecord(n, v));
    }
  }
  return out;
}

export function chunked<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
