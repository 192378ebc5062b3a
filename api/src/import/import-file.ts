import { randomBytes } from 'node:crypto';
import type { ImportFormat, TextEncoding } from '@credcheck/sdk/tabular';
import { EncodingRetry } from '@credcheck/sdk/tabular';
import type { Catalog } from '../domain/catalog.ts';
import type { ImportRecord, ImportSummary } from '../domain/model.ts';
import { ID_HMAC_SETTING } from '../domain/person-key.ts';
import type { Store } from '../store/types.ts';
import { ErrorCollector, ImportFileError, type RowError } from './errors.ts';
import { F, FIELDS, fieldOf, mapHeader } from './fields.ts';
import { keptStatusWarning } from './kept-status.ts';
import { openRows, type ParsedRow } from './open-rows.ts';
import { RowValidator, type RowValues } from './validate-row.ts';

export interface ImportReport {
  /** True when every row was valid (and, unless a dry run, written). */
  ok: boolean;
  format: ImportFormat;
  encoding: TextEncoding;
  /** Data rows read (header and blank lines not counted). */
  rows: number;
  /** The first errors (see maxErrors), in file order. */
  errors: RowError[];
  errorCount: number;
  /**
   * Rows accepted with a warning (e.g. a failing USCC check character, or a status the due process
   * kept: see Store.importRecords), first `maxErrors` kept.
   */
  warnings: RowError[];
  warningCount: number;
  summary?: ImportSummary;
}

export interface ImportProgress {
  phase: 'reading' | 'writing';
  bytesRead: number;
  totalBytes: number;
  rows: number;
}

export interface ImportFileOptions {
  actor: string;
  catalog: Catalog;
  /** Validate and count what would change against the store, then write nothing. */
  dryRun?: boolean;
  onProgress?: (p: ImportProgress) => void;
  /** Errors kept in the report; the rest are only counted. Default 1,000. */
  maxErrors?: number;
  /** Records per chunk handed to the store. Default 5,000. */
  chunkSize?: number;
  /** Reference date (YYYY-MM-DD) for identifier checks such as "born in the future". */
  today?: string;
  /**
   * A further rule for each valid row (e.g. an API caller's department): an error rejects the
   * row like a validation error. `labels` are the file's column names in field order.
   */
  checkRecord?: (record: ImportRecord, line: number, labels: readonly string[]) => RowError | null;
}

/** Thrown into the store's import to make it discard everything staged: some row was rejected. */
class RowsRejected extends Error {}

/** Rows read before a file whose rows are all rejected is called garbage rather than reported row by row. */
const GARBAGE_PROBE_ROWS = 1000;

/**
 * Imports a list file: every row is validated while it streams into the store's staging area; if
 * any row is rejected, the staging is abandoned and nothing is written, so the file goes in whole
 * or not at all. One pass over the file serves both validation and writing.
 */
export async function importFile(store: Store, path: string, opts: ImportFileOptions): Promise<ImportReport> {
  const secret = await personKeySecret(store, opts.dryRun === true);
  let opened = await openRows(path);
  for (let attempt = 0; ; attempt++) {
    const labels = opened.labels;
    const meta = { format: opened.format, encoding: opened.encoding };
    const total = opened.totalBytes;
    let bytesRead = 0;
    let rowsSoFar = 0;
    const batches = opened.batches((b) => {
      bytesRead = b;
      opts.onProgress?.({ phase: 'reading', bytesRead, totalBytes: total, rows: rowsSoFar });
    });
    try {
      return await runImport(store, batches, labels, secret, meta, opts, (n) => {
        rowsSoFar = n;
      });
    } catch (err) {
      // A file that looked like ASCII UTF-8 turned out to hold GBK further down: read it again.
      if (err instanceof EncodingRetry && attempt === 0) {
        opened = await openRows(path, err.encoding);
        continue;
      }
      throw err;
    }
  }
}

export interface ImportRowsOptions extends Omit<ImportFileOptions, 'onProgress'> {}

/**
 * Imports rows given as objects keyed by column names (the CSV header names or any alias), through
 * the same validation as a file; the demo data set goes in this way.
 */
export async function importRows(
  store: Store,
  rows:
    | Iterable<Record<string, string | null | undefined>>
    | AsyncIterable<Record<string, string | null | undefined>>,
  opts: ImportRowsOptions,
): Promise<ImportReport> {
  const secret = await personKeySecret(store, opts.dryRun === true);
  const labels: string[] = [...FIELDS];
  async function* batches(): AsyncGenerator<ParsedRow[]> {
    const fieldOfKey = new Map<string, number>();
    let line = 1;
    let batch: ParsedRow[] = [];
    for await (const row of rows) {
      line++;
      if (line === 2) mapHeader(Object.keys(row), 'the first row', '第一行');
      const values: RowValues = new Array(FIELDS.length);
      for (const key of Object.keys(row)) {
        let f = fieldOfKey.get(key);
        if (f === undefined) {
          const field = fieldOf(key);
          f = field === undefined ? -1 : F[field];
          fieldOfKey.set(key, f);
        }
        const v = row[key];
        if (f >= 0 && v !== null && v !== undefined) values[f] = v;
      }
      batch.push({ line, values });
      if (batch.length >= 5000) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
  return runImport(store, batches(), labels, secret, { format: 'csv', encoding: 'utf-8' }, opts, () => {});
}

/**
 * The store's key for person keys, created on first use. A dry run writes nothing, not even the
 * key: a store without one holds no persons, so any key gives the same counts.
 */
async function personKeySecret(store: Store, dryRun: boolean): Promise<string> {
  const fresh = randomBytes(32).toString('hex');
  if (dryRun) return (await store.getSetting(ID_HMAC_SETTING)) ?? fresh;
  return store.initSetting(ID_HMAC_SETTING, fresh);
}

async function runImport(
  store: Store,
  batches: AsyncIterable<ParsedRow[]>,
  labels: string[],
  secret: string,
  meta: { format: ImportFormat; encoding: TextEncoding },
  opts: Omit<ImportFileOptions, 'onProgress'> & { onProgress?: ImportFileOptions['onProgress'] },
  onRows: (rows: number) => void,
): Promise<ImportReport> {
  const collector = new ErrorCollector(opts.maxErrors ?? 1000);
  const warnings = new ErrorCollector(opts.maxErrors ?? 1000);
  const validator = new RowValidator({
    catalog: opts.catalog,
    secret,
    today: opts.today,
    labels,
    onWarning: (w) => warnings.add(w),
  });
  const chunkSize = opts.chunkSize ?? 5000;
  let rows = 0;
  let validRows = 0;
  const scratch: RowError[] = [];

  async function* records(): AsyncGenerator<ImportRecord[]> {
    let chunk: ImportRecord[] = [];
    for await (const batch of batches) {
      for (const row of batch) {
        rows++;
        if (row.error !== undefined) {
          collector.add(row.error);
          continue;
        }
        const rec = validator.validate(row.line, row.values, scratch);
        if (rec === null) {
          for (const e of scratch) collector.add(e);
          scratch.length = 0;
          continue;
        }
        const refused = opts.checkRecord?.(rec, row.line, labels) ?? null;
        if (refused !== null) {
          collector.add(refused);
          continue;
        }
        validRows++;
        // After the first rejected row nothing will be written: keep validating, stop collecting.
        if (collector.count === 0) chunk.push(rec);
      }
      onRows(rows);
      if (collector.count > 0) {
        chunk = [];
        if (validRows === 0 && rows >= GARBAGE_PROBE_ROWS) {
          throw new ImportFileError(
            'too-many-errors',
            `The first ${rows} rows were all rejected (first problem, line ${collector.errors[0]?.line}: ${collector.errors[0]?.message}); is this the right file?`,
            `前 ${rows} 行全部无效（第一个问题在第 ${collector.errors[0]?.line} 行：${collector.errors[0]?.messageZh}），请确认文件是否正确`,
          );
        }
      } else if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = [];
      }
    }
    if (collector.count > 0) throw new RowsRejected();
    if (chunk.length > 0) yield chunk;
    opts.onProgress?.({ phase: 'writing', bytesRead: 0, totalBytes: 0, rows });
  }

  const report = (summary?: ImportSummary): ImportReport => ({
    ok: collector.count === 0,
    ...meta,
    rows,
    errors: collector.errors,
    errorCount: collector.count,
    warnings: warnings.errors,
    warningCount: warnings.count,
    ...(summary ? { summary } : {}),
  });

  try {
    const summary = await store.importRecords(records(), {
      actor: opts.actor,
      dryRun: opts.dryRun === true,
      // Labels are the file's once its header was read.
      onStatusKept: (k) => warnings.add(keptStatusWarning(k, labels[F.status] ?? 'status')),
    });
    // The store's warnings come after the validator's: show them all in file order.
    warnings.errors.sort((a, b) => a.line - b.line);
    return report(summary);
  } catch (err) {
    if (err instanceof RowsRejected) return report();
    throw err;
  }
}
