import { ImportFileError } from './errors.ts';

/** The columns an import file may have, in a fixed order: a row is an array indexed by these. */
export const FIELDS = [
  'code',
  'name',
  'list_type',
  'kind',
  'designator',
  'basis',
  'reason',
  'decided_on',
  'valid_until',
  'published_on',
  'legal_rep',
  'legal_rep_id',
  'subject_type',
  'department',
  'status',
  'division',
] as const;
export type Field = (typeof FIELDS)[number];

export const F = Object.fromEntries(FIELDS.map((f, i) => [f, i])) as { [K in Field]: number };

export const REQUIRED_FIELDS: readonly Field[] = [
  'code',
  'name',
  'list_type',
  'kind',
  'designator',
  'basis',
  'reason',
  'decided_on',
];

/**
 * Header spellings, compared after lower-casing and dropping spaces, underscores, hyphens and
 * brackets, so `List Type`, `list_type`, `listType` and `名单类型（代码）` all match.
 */
const ALIASES: Record<Field, string[]> = {
  code: [
    'uscc',
    'code',
    'idnumber',
    'id',
    'subjectcode',
    '统一社会信用代码',
    '社会信用代码',
    '信用代码',
    '代码',
    '主体代码',
    '主体标识',
    '身份证号',
    '身份证号码',
    '公民身份号码',
    '证件号码',
    '统一社会信用代码身份证号码',
    '统一社会信用代码或身份证号码',
  ],
  name: [
    'name',
    'subjectname',
    '名称',
    '主体名称',
    '企业名称',
    '单位名称',
    '姓名',
    '名称姓名',
    '失信主体名称',
    '当事人名称',
  ],
  list_type: ['listtype', 'list', '名单类型', '名单类别', '名单', '名单代码'],
  kind: ['kind', 'color', 'colour', '红黑名单', '名单性质', '红黑', '种类'],
  designator: [
    'designator',
    'authority',
    '认定部门',
    '认定单位',
    '认定机关',
    '决定机关',
    '列入部门',
    '发布部门',
  ],
  basis: [
    'basis',
    'legalbasis',
    'caseno',
    'caseno.',
    'documentno',
    '认定依据',
    '依据',
    '文号',
    '案号',
    '决定文书号',
    '认定文书号',
  ],
  reason: ['reason', 'cause', '认定事由', '事由', '原因', '失信行为', '列入事由', '列入原因', '主要事实'],
  decided_on: [
    'decidedon',
    'decided',
    'decisiondate',
    '认定日期',
    '决定日期',
    '列入日期',
    '认定时间',
    '列入时间',
  ],
  valid_until: [
    'validuntil',
    'validto',
    'expireson',
    'expiry',
    '有效期至',
    '有效期截止日期',
    '截止日期',
    '到期日期',
    '有效期',
  ],
  published_on: ['publishedon', 'published', 'publicationdate', '公布日期', '发布日期', '公示日期'],
  legal_rep: [
    'legalrep',
    'legalrepresentative',
    '法定代表人',
    '法人代表',
    '法定代表人姓名',
    '负责人',
    '经营者',
  ],
  legal_rep_id: [
    'legalrepid',
    'legalrepidnumber',
    '法定代表人身份证号',
    '法定代表人身份证号码',
    '法定代表人证件号码',
  ],
  subject_type: ['subjecttype', '主体类型', '主体类别'],
  department: ['department', 'departmentcode', '部门', '部门代码'],
  status: ['status', 'state', '状态', '名单状态'],
  division: ['division', 'divisioncode', 'region', '行政区划', '行政区划代码', '区划代码', '地区代码'],
};

const LOOKUP = new Map<string, Field>();
for (const field of FIELDS) for (const alias of ALIASES[field]) LOOKUP.set(alias, field);

export function headerKey(raw: string): string {
  return raw
    .replace(/^\ufeff/, '')
    .toLowerCase()
    .replace(/[\s_\-–—:：()（）[\]【】/、]+/g, '');
}

export function fieldOf(header: string): Field | undefined {
  return LOOKUP.get(headerKey(header));
}

/** Which cell of a file row holds each field; -1 when the file has no such column. */
export interface ColumnMap {
  index: Int32Array;
  /** The header as written in the file, for error messages. */
  label: string[];
}

/** Rows above the header that may hold a title (`XX县失信联合惩戒对象名单`) or notes. */
export const MAX_TITLE_ROWS = 10;

/**
 * The column map when `header` is a header row: it names at least three known columns (a title
 * row naming one by chance is not taken for a header). Throws when it is a header that lacks
 * required columns or names one twice; returns null when it is not a header at all.
 */
export function tryHeader(header: readonly string[]): ColumnMap | null {
  const index = new Int32Array(FIELDS.length).fill(-1);
  const label = FIELDS.map((f) => f as string);
  let recognised = 0;
  const duplicates: string[] = [];
  for (let i = 0; i < header.length; i++) {
    const raw = (header[i] ?? '').trim();
    if (raw === '') continue;
    const field = fieldOf(raw);
    if (field === undefined) continue;
    const f = F[field];
    if (index[f]! >= 0) {
      duplicates.push(`"${label[f]}" / "${raw}" (${field})`);
      continue;
    }
    index[f] = i;
    label[f] = raw;
    recognised++;
  }
  if (recognised < 3) return null;
  if (duplicates.length > 0) {
    throw new ImportFileError(
      'duplicate-columns',
      `Columns with the same meaning: ${duplicates.join(', ')}; keep one of each`,
      `以下列含义相同：${duplicates.join('，')}；每组请只保留一列`,
    );
  }
  const missing = REQUIRED_FIELDS.filter((f) => index[F[f]]! < 0);
  if (missing.length > 0) {
    throw new ImportFileError(
      'missing-columns',
      `Required column${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}`,
      `缺少必填列：${missing.join('、')}`,
    );
  }
  return { index, label };
}

export function noHeader(first: readonly string[], where: string, whereZh: string): ImportFileError {
  const shown = first
    .slice(0, 6)
    .map((h) => JSON.stringify(String(h ?? '').slice(0, 30)))
    .join(', ');
  return new ImportFileError(
    'no-header',
    `No recognisable header ${where} (the first row holds ${shown}); the header must name the columns ${REQUIRED_FIELDS.join(', ')}`,
    `${whereZh}没有可识别的表头（第一行内容为 ${shown}）；表头应包含列：${REQUIRED_FIELDS.join('、')}`,
  );
}

/** The header of rows given as objects (JSON, demo rows): their keys must be a header. */
export function mapHeader(keys: readonly string[], where: string, whereZh: string): ColumnMap {
  const map = tryHeader(keys);
  if (map === null) throw noHeader(keys, where, whereZh);
  return map;
}
