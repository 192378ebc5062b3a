// `credcheck screen` on a 100,000-row file against a local API process (rows per second, file read
// and written back included), beside the same codes sent as raw batch requests in the same run:
// POST /v1/decisions/batch (1,000 per request, the requests the screen makes) and
// POST /v1/subjects/batch (10,000 per request: status only, nothing recorded). Same concurrency
// for all. Prints a table; never fails on timing.
//   npx tsx test/bench/screen.bench.ts
// Environment: BENCH_ROWS (default 100,000), BENCH_SUBJECTS listed subjects imported (20,000),
// BENCH_CONCURRENCY requests in flight (4), BENCH_FORMAT csv | xlsx (csv).
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { serverCommands } from '../../api/src/cli/index.ts';
import { generateDataset } from '../../api/src/demo/dataset.ts';
import { writeDatasetCsv } from '../../api/src/demo/write-csv.ts';
import { main } from '../../sdk/src/cli/main.ts';
import { writeTable } from '../../sdk/src/cli/screen/table-file.ts';
import { startApiProcess } from '../helpers/api-process.ts';
import { captureIo } from '../helpers/capture-io.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const SUBJECTS = Number(process.env.BENCH_SUBJECTS ?? 20_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4);
const FORMAT = process.env.BENCH_FORMAT === 'xlsx' ? 'xlsx' : 'csv';
const ADMIN = 'cck_screen-bench-admin-key';
const TODAY = '2026-11-23';
const SEED = 'screen-bench';
const SCENARIO = 'gov-procurement';

const dir = mkdtempSync(join(tmpdir(), 'credcheck-screen-bench-'));
const api = await (async () => {
  const lists = join(dir, 'lists.csv');
  await writeDatasetCsv(lists, { seed: SEED, subjects: SUBJECTS, today: TODAY });
  const imp = captureIo(dir, { DATA_DIR: 'data', CREDCHECK_NOW: TODAY });
  if ((await serverCommands.import!.run([lists], imp.io)) !== 0) throw new Error(imp.stderr.text);
  return startApiProcess({
    DATA_DIR: join(dir, 'data'),
    CREDCHECK_DEMO: '0',
    CREDCHECK_ADMIN_KEY: ADMIN,
    CREDCHECK_RATE_LIMIT: '0',
  });
})();

try {
  // A loan book: a third of the rows listed organizations, the rest valid unlisted codes.
  const listed: string[] = [];
  for (const r of generateDataset({ seed: SEED, subjects: SUBJECTS, today: TODAY }))
    if (r.subject_type === 'org') listed.push(r.uscc);
  const rand = seededRandom(11);
  const codes = Array.from({ length: ROWS }, () =>
    rand() < 0.33 ? listed[Math.floor(rand() * listed.length)]! : generateUSCC(rand),
  );
  const file = join(dir, `book.${FORMAT}`);
  await writeTable(file, FORMAT, ',', [
    ['序号', '统一社会信用代码', '金额'],
    ...codes.map((c, i) => [String(i + 1), c, String(i % 1000)]),
  ]);

  const results: { method: string; requests: number; seconds: number }[] = [];
  const time = async (method: string, requests: number, fn: () => Promise<void>) => {
    const t = performance.now();
    await fn();
    results.push({ method, requests, seconds: (performance.now() - t) / 1000 });
  };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${api.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };
  const inParallel = async (parts: string[][], send: (part: string[]) => Promise<void>) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < parts.length) await send(parts[next++]!);
      }),
    );
  };
  const chunks = (size: number) =>
    Array.from({ length: Math.ceil(ROWS / size) }, (_, i) => codes.slice(i * size, (i + 1) * size));

  // Warm-up: the API's first requests load code paths and the index.
  await post('/v1/decisions/batch', {
    scenario: SCENARIO,
    items: codes.slice(0, 1000).map((code) => ({ subject: { code } })),
  });

  await time(`credcheck screen (${FORMAT}: read, decide, write)`, Math.ceil(ROWS / 1000), async () => {
    const c = captureIo(dir, { CREDCHECK_API_URL: api.url, CREDCHECK_API_KEY: ADMIN });
    const code = await main(
      ['screen', file, '--scenario', SCENARIO, '--concurrency', String(CONCURRENCY), '--json'],
      c.io,
    );
    if (code !== 0) throw new Error(`screen exited ${code}: ${c.stderr.text}`);
  });
  await time('raw POST /v1/decisions/batch ×1,000 (baseline)', Math.ceil(ROWS / 1000), () =>
    inParallel(chunks(1000), (part) =>
      post('/v1/decisions/batch', { scenario: SCENARIO, items: part.map((code) => ({ subject: { code } })) }),
    ),
  );
  await time('raw POST /v1/subjects/batch ×10,000 (status only)', Math.ceil(ROWS / 10_000), () =>
    inParallel(chunks(10_000), (part) => post('/v1/subjects/batch', { codes: part })),
  );

  const base = results[1]!.seconds;
  console.log(
    `${ROWS} rows (${(statSync(file).size / 1e6).toFixed(1)} MB ${FORMAT}), ${SUBJECTS} listed subjects, concurrency ${CONCURRENCY}, API on 127.0.0.1`,
  );
  console.table(
    results.map((r) => ({
      method: r.method,
      requests: r.requests,
      seconds: r.seconds.toFixed(2),
      'rows/s': Math.round(ROWS / r.seconds),
      'vs decisions batch': `${(r.seconds / base).toFixed(2)}×`,
    })),
  );
} finally {
  await api.stop();
  rmSync(dir, { recursive: true, force: true });
}
