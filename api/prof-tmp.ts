import { readFileSync } from 'node:fs';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { loadDefaultCatalog } from './src/domain/default-catalog.ts';
import { loadLiveIndex } from './src/index/startup.ts';
import { lookupCode } from './src/lookup/lookup.ts';
import { openSqliteStore } from './src/store/sqlite.ts';

const meta = JSON.parse(readFileSync('/tmp/cc/hb1m/bench-meta.json', 'utf8'));
const store = openSqliteStore('/tmp/cc/hb1m/credcheck.db');
const { index } = await loadLiveIndex(store, { snapshotDir: '/tmp/cc/hb1m' });
const catalog = loadDefaultCatalog();
const idHmacKey = (await store.getSetting('id-hmac-key'))!;
let s = 1;
const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
const clean = Array.from({ length: 5000 }, () => generateUSCC(rand));
const codes = [...meta.listed.slice(0, 5000), ...clean];
const ctx = { index: index.list, idHmacKey, today: '2026-11-23', catalog, visibility: 'staff' as const };
for (let r = 0; r < 6; r++) {
  let t = performance.now();
  const items = codes.map((c) => lookupCode(ctx, c));
  const t1 = performance.now() - t;
  t = performance.now();
  const json = JSON.stringify(items);
  const t2 = performance.now() - t;
  t = performance.now();
  for (const c of codes.slice(0, 5000)) index.list.get(c);
  const t3 = performance.now() - t;
  console.log(
    `lookup ${t1.toFixed(1)} ms, stringify ${t2.toFixed(1)} ms (${json.length} bytes), list.get x5000 ${t3.toFixed(1)} ms`,
  );
}
await store.close();
