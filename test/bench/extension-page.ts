// The extension benchmark's page and data: a bid-opening table of `rows` bidders (name, code,
// price) in which `listedShare` of the rows are organizations from the lists the API imported, the
// rest valid but unlisted organizations made by the same generator under another seed.
import { generateDataset } from '../../api/src/demo/dataset.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

export interface Bidder {
  name: string;
  code: string;
  listed: boolean;
}

export interface BenchPage {
  html: string;
  bidders: Bidder[];
  listed: number;
}

/** Distinct organizations (code → name) from a generated data set. */
export function organizations(seed: string, subjects: number, today: string): Map<string, string> {
  const orgs = new Map<string, string>();
  for (const row of generateDataset({ seed, subjects, today })) {
    if (row.subject_type === 'org' && !orgs.has(row.uscc)) orgs.set(row.uscc, row.name);
  }
  return orgs;
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

export function bidderPage(
  listedOrgs: Map<string, string>,
  otherOrgs: Map<string, string>,
  rows: number,
  listedShare: number,
  seed: number,
): BenchPage {
  const rand = seededRandom(seed);
  const listed = [...listedOrgs].slice(0, Math.round(rows * listedShare));
  const others = [...otherOrgs].filter(([code]) => !listedOrgs.has(code));
  if (listed.length < Math.round(rows * listedShare) || others.length < rows - listed.length) {
    throw new Error(
      `not enough organizations for ${rows} rows: ${listed.length} listed, ${others.length} others`,
    );
  }
  const bidders: Bidder[] = others
    .slice(0, rows - listed.length)
    .map(([code, name]) => ({ code, name, listed: false }));
  // Listed bidders at random places, as they would fall in a real opening record.
  for (const [code, name] of listed) {
    bidders.splice(Math.floor(rand() * (bidders.length + 1)), 0, { code, name, listed: true });
  }
  const body = bidders
    .map(
      (b, i) =>
        `<tr><td>${i + 1}</td><td>${escapeHtml(b.name)}</td><td>${b.code}</td><td>${(100_000 + Math.floor(rand() * 9_900_000)).toLocaleString('en')}.00</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>开标记录（${rows} 家投标人）</title>
<style>body{font:14px sans-serif;margin:16px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px}</style>
</head><body>
<h1>某某市政府采购项目开标记录</h1>
<p>项目编号：BENCH-2026-0001　开标时间：2026年11月23日 09:30</p>
<table id="bidders"><thead><tr><th>序号</th><th>投标人名称</th><th>统一社会信用代码</th><th>投标报价（元）</th></tr></thead>
<tbody>
${body}
</tbody></table>
</body></html>
`;
  return { html, bidders, listed: listed.length };
}
