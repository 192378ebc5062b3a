import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { csvField } from '../src/demo/write-csv.ts';
import { loadDefaultCatalog } from '../src/domain/default-catalog.ts';

/** Shared pieces of the import tests: sample rows, file writers and a GBK encoder. */

export const TODAY = '2026-11-23';
export const catalog = loadDefaultCatalog();

export const HEADER = [
  'uscc',
  'name',
  'list_type',
  'kind',
  'designator',
  'basis',
  'reason',
  'decided_on',
  'valid_until',
  'legal_rep',
  'subject_type',
];

/** Published valid codes (identifiers.md) and the GB 11643 sample ID. */
export const CODES = {
  a: '91512081MA62K0260E',
  b: '91310110666007217T',
  c: '91350100M000100Y43',
  d: '91110108351303601C',
  /** The same as `b` with the wrong check character (T expected). */
  badCheck: '91310110666007217A',
  /** Rejected outright: too short to be a code. */
  badLength: '9131011066600721',
  person: '11010519491231002X',
};

export type Row = Record<string, string>;

/** Four valid rows: organizations on black and red lists, one person, Chinese text throughout. */
export function sampleRows(): Row[] {
  return [
    {
      uscc: CODES.a,
      name: '简阳市澄鑫建筑工程有限公司',
      list_type: 'dishonest-judgment-debtor',
      kind: 'black',
      designator: '四川省简阳市人民法院',
      basis: '（2024）川2081执1234号',
      reason: '有履行能力而拒不履行生效法律文书确定义务',
      decided_on: '2024-03-05',
      valid_until: '2026-03-04',
      legal_rep: '王伟',
      subject_type: 'org',
    },
    {
      uscc: CODES.b,
      name: '上海岚瑞科技（集团）有限公司',
      list_type: 'a-grade-taxpayer',
      kind: 'red',
      designator: '国家税务总局上海市税务局',
      basis: '2025年度纳税信用A级纳税人名单',
      reason: '纳税信用评价为A级',
      decided_on: '2026-04-20',
      valid_until: '2027-04-19',
      legal_rep: '李娜',
      subject_type: 'org',
    },
    {
      uscc: CODES.c,
      name: '福州翊恒商贸有限公司',
      list_type: 'gov-procurement-serious-violation',
      kind: 'black',
      designator: '福州市鼓楼区财政局',
      basis: '鼓财采处〔2025〕12号',
      reason: '提供虚假材料谋取中标、成交',
      decided_on: '2025-06-01',
      valid_until: '',
      legal_rep: '陈静',
      subject_type: 'org',
    },
    {
      uscc: CODES.person,
      name: '张明',
      list_type: 'dishonest-judgment-debtor',
      kind: 'black',
      designator: '北京市朝阳区人民法院',
      basis: '（2025）京0105执88号',
      reason: '违反限制消费令',
      decided_on: '2025-01-10',
      valid_until: '2027-01-09',
      legal_rep: '',
      subject_type: 'person',
    },
  ];
}

export function toCsv(rows: Row[], header = HEADER, eol = '\n'): string {
  const lines = [header.join(',')];
  for (const r of rows) lines.push(header.map((h) => csvField(r[h] ?? '')).join(','));
  return lines.join(eol) + eol;
}

export function toNdjson(rows: Row[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** A temp folder removed by `dispose`. */
export function tempDir(): {
  dir: string;
  file(name: string, content?: string | Uint8Array): string;
  dispose(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'credcheck-import-'));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      if (content !== undefined) writeFileSync(path, content);
      return path;
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

let gbkTable: Map<string, number> | undefined;

/**
 * GBK bytes for a string, as Excel writes a "CSV" in China. Node has no GBK encoder, so the table
 * is built backwards from its GB18030 decoder over every two-byte code.
 */
export function encodeGbk(text: string): Uint8Array {
  if (!gbkTable) {
    gbkTable = new Map();
    const decoder = new TextDecoder('gb18030');
    for (let hi = 0x81; hi <= 0xfe; hi++) {
      for (let lo = 0x40; lo <= 0xfe; lo++) {
        if (lo === 0x7f) continue;
        const ch = decoder.decode(new Uint8Array([hi, lo]));
        if (ch.length === 1 && ch !== '\ufffd' && !gbkTable.has(ch)) gbkTable.set(ch, (hi << 8) | lo);
      }
    }
  }
  const out: number[] = [];
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) {
      out.push(code);
      continue;
    }
    const g = gbkTable.get(ch);
    if (g === undefined) throw new Error(`no GBK code for ${ch}`);
    out.push(g >> 8, g & 0xff);
  }
  return Uint8Array.from(out);
}
