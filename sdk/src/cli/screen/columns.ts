import { CliFailure } from '../exit-codes.ts';

/**
 * Header names under which approval and loan spreadsheets carry the code and the name. Compared
 * after normalizeHeader(), so 统一社会信用代码(必填), "USCC " and "Credit_Code" all count.
 */
const CODE_ALIASES = [
  '统一社会信用代码',
  '社会信用代码',
  '信用代码',
  '统一代码',
  '证件号码',
  '身份证号码',
  '身份证号',
  '证照号码',
  'uscc',
  'creditcode',
  'code',
  'idnumber',
];
const NAME_ALIASES = [
  '名称',
  '企业名称',
  '单位名称',
  '主体名称',
  '公司名称',
  '客户名称',
  '借款人名称',
  '借款人',
  '供应商名称',
  '投标人名称',
  '姓名',
  'name',
  'companyname',
  'subjectname',
];

/** Lower case, no blanks, separators or bracketed notes: how two spellings of one header compare. */
export function normalizeHeader(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[(（[【].*?[)）\]】]/g, '')
    .replace(/[\s_\-.:：*]/g, '');
}

export interface Columns {
  /** Index of the code column, or null when the file has none. */
  code: number | null;
  name: number | null;
}

function byAlias(keys: string[], aliases: string[]): number | null {
  for (const alias of aliases) {
    const i = keys.indexOf(alias);
    if (i >= 0) return i;
  }
  // A header that merely contains the strongest alias (供应商统一社会信用代码, say).
  const i = keys.findIndex((k) => k.includes(aliases[0]!));
  return i >= 0 ? i : null;
}

/** A column given on the command line: its header text, or its 1-based position. */
function byOverride(header: string[], keys: string[], wanted: string, flag: string): number {
  const exact = header.indexOf(wanted);
  if (exact >= 0) return exact;
  const normalized = keys.indexOf(normalizeHeader(wanted));
  if (normalized >= 0) return normalized;
  if (/^\d+$/.test(wanted) && Number(wanted) >= 1 && Number(wanted) <= header.length)
    return Number(wanted) - 1;
  throw new CliFailure(
    `--${flag} "${wanted}" is not a column of the file; its columns are: ${header.join(', ')}`,
  );
}

/** Finds the code and name columns by their headers; --code-column / --name-column win. */
export function detectColumns(header: string[], override: { code?: string; name?: string } = {}): Columns {
  const keys = header.map(normalizeHeader);
  const code = override.code
    ? byOverride(header, keys, override.code, 'code-column')
    : byAlias(keys, CODE_ALIASES);
  const name = override.name
    ? byOverride(header, keys, override.name, 'name-column')
    : byAlias(keys, NAME_ALIASES);
  if (code === null && name === null) {
    throw new CliFailure(
      `找不到代码或名称列 / no code or name column among: ${header.join(', ')}\n  name one with --code-column or --name-column`,
    );
  }
  return { code, name };
}
