import type { Catalog, Measure } from '../src/domain/catalog.ts';
import { loadDefaultCatalog } from '../src/domain/default-catalog.ts';
import type { Entry, Subject } from '../src/domain/model.ts';

/** Subjects, entries and catalogs for the decision-engine tests. */

/** Fixtures are judged as of this date (CONVENTIONS.md). */
export const TODAY = '2026-11-23';

/** The catalog the product ships (api/catalog/*.json), read and validated once per test file. */
export const realCatalog: Catalog = loadDefaultCatalog();

export function org(id = 'sub_org1', over: Partial<Subject> = {}): Subject {
  return {
    id,
    type: 'org',
    key: '91310110MA1G8XYZ0A',
    code: '91310110MA1G8XYZ0A',
    idMasked: null,
    name: '上海测试建设工程有限公司',
    normName: '上海测试建设工程',
    legalRep: '张三',
    legalRepKey: 'p:legalrep',
    division: '310110',
    seq: 1,
    ...over,
  };
}

export function person(id = 'sub_person1', over: Partial<Subject> = {}): Subject {
  return {
    id,
    type: 'person',
    key: `p:${id}`,
    code: null,
    idMasked: '310110********1234',
    name: '张三',
    normName: '张三',
    legalRep: null,
    legalRepKey: null,
    division: '310110',
    seq: 1,
    ...over,
  };
}

let nextId = 1;

const DESIGNATORS: Record<string, { designator: string; basis: string; reason: string }> = {
  black: {
    designator: '上海市浦东新区人民法院',
    basis: '（2025）沪0115执1234号',
    reason: '有履行能力而拒不履行生效法律文书确定义务',
  },
  red: {
    designator: '国家税务总局上海市税务局',
    basis: '纳税信用等级评定结果（2025年度）',
    reason: '年度纳税信用评价为A级',
  },
};

/** One entry of `subjectId` on `listType`; active, decided a year before TODAY, open-ended unless overridden. */
export function entry(
  subjectId: string,
  listType: string,
  kind: 'red' | 'black',
  over: Partial<Entry> = {},
): Entry {
  const d = DESIGNATORS[kind]!;
  const id = over.id ?? `ent_${String(nextId++).padStart(4, '0')}`;
  return {
    id,
    subjectId,
    listType,
    kind,
    designator: d.designator,
    department: d.designator,
    basis: d.basis,
    reason: d.reason,
    decidedOn: '2025-11-20',
    publishedOn: '2025-11-25',
    validUntil: null,
    status: 'active',
    seq: 1,
    createdAt: '2025-11-25T08:00:00+08:00',
    updatedAt: '2025-11-25T08:00:00+08:00',
    ...over,
  };
}

/** A copy of the real catalog with the named measures unpublished (a new object: a fresh index). */
export function withUnpublished(codes: readonly string[], base: Catalog = realCatalog): Catalog {
  const set = new Set(codes);
  return {
    ...base,
    version: `${base.version}+unpublished`,
    measures: base.measures.map((m): Measure => (set.has(m.code) ? { ...m, published: false } : m)),
  };
}
