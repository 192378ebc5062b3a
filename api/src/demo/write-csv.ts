import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { DATASET_COLUMNS, type DatasetColumn, type DatasetOptions, generateDataset } from './dataset.ts';

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Codes, dates and enumerations never hold a comma or a quote; only free text is checked. */
const FREE_TEXT = new Set<DatasetColumn>(['name', 'designator', 'basis', 'reason', 'legal_rep']);
const BLOCK = 4 << 20;
/** Room left for one line before a block is flushed (a row is far shorter). */
const HEADROOM = 64 << 10;

/**
 * Writes the data set as an import CSV (UTF-8, LF). Lines are encoded straight into large
 * buffers: a million rows take seconds and no megabyte-long string is ever built.
 */
export async function writeDatasetCsv(
  path: string,
  opts: DatasetOptions,
): Promise<{ rows: number; bytes: number }> {
  const out = createWriteStream(path);
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => {});
  const cols = DATASET_COLUMNS.map((c) => ({ key: c, quote: FREE_TEXT.has(c) }));
  let buf = Buffer.allocUnsafe(BLOCK);
  let used = buf.write(`${DATASET_COLUMNS.join(',')}\n`, 0);
  let rows = 0;
  let bytes = 0;
  const flush = async () => {
    bytes += used;
    const ok = out.write(buf.subarray(0, used));
    // The stream keeps the flushed buffer until it is written, so the next block gets a fresh one.
    buf = Buffer.allocUnsafe(BLOCK);
    used = 0;
    if (!ok) await Promise.race([once(out, 'drain'), failed]);
  };
  for (const row of generateDataset(opts)) {
    let line = '';
    for (let i = 0; i < cols.length; i++) {
      const c = cols[i]!;
      const v = c.quote ? csvField(row[c.key]) : row[c.key];
      line += i === 0 ? v : `,${v}`;
    }
    used += buf.write(`${line}\n`, used);
    rows++;
    if (used > BLOCK - HEADROOM) await flush();
  }
  await flush();
  out.end();
  await Promise.race([once(out, 'finish'), failed]);
  return { rows, bytes };
}
