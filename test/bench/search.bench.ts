// The in-memory list index and the name search at production size, on one core: build time and
// memory, then 10,000 name queries of every kind (p50/p95/p99, top-1 and top-3 accuracy) beside a
// baseline in the same run (normalizeName + Map.get on the exact normalized name), and lookups
// by key. Prints tables; never fails on timing.
//   npx tsx --expose-gc test/bench/search.bench.ts
// Environment: BENCH_N entries (default 1,000,000); BENCH_QUERIES (10,000); BENCH_SHOW_MISSES=1
// prints a few misses per kind; BENCH_SQLITE=1 also imports the data into a SQLite file and
// times ListIndex.load from it (BENCH_SQLITE=only: just that), BENCH_SQLITE_FILE keeps and reuses
// that file, BENCH_BATCH sets the scan batch size.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { normalizeName, splitName, warmUpSimplify } from '@credcheck/sdk/names';
import * as OpenCC from 'opencc-js/cn2t';
import type { Entry, ImportRecord, Subject } from '../../api/src/domain/model.ts';
import { type IndexSource, ListIndex, NameIndex } from '../../api/src/index/index.ts';

const N = Number(process.env.BENCH_N ?? 1_000_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 10_000);
const WITH_SQLITE = process.env.BENCH_SQLITE === '1';
const SHOW_MISSES = process.env.BENCH_SHOW_MISSES === '1';

/** mulberry32: the same data on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------------------------
// Synthetic list data: region + two-character trade name + industry + company form.

const CITIES = [
  '北京市',
  '上海市',
  '天津市',
  '重庆市',
  '深圳市',
  '广州市',
  '杭州市',
  '南京市',
  '苏州市',
  '成都市',
  '武汉市',
  '西安市',
  '长沙市',
  '郑州市',
  '济南市',
  '青岛市',
  '临沂市',
  '鄂州市',
  '克拉玛依市',
  '石家庄市',
  '邢台市',
  '合肥市',
  '福州市',
  '厦门市',
  '南昌市',
  '昆明市',
  '贵阳市',
  '南宁市',
  '海口市',
  '兰州市',
  '太原市',
  '沈阳市',
  '大连市',
  '长春市',
  '哈尔滨市',
  '呼和浩特市',
  '乌鲁木齐市',
  '银川市',
  '西宁市',
  '拉萨市',
  '宁波市',
  '温州市',
  '无锡市',
  '常州市',
  '佛山市',
  '东莞市',
  '珠海市',
  '泉州市',
  '烟台市',
  '洛阳市',
];
const COUNTIES = [
  '海淀区',
  '朝阳区',
  '浦东新区',
  '杨浦区',
  '南山区',
  '福田区',
  '天河区',
  '渝北区',
  '云阳县',
  '宁晋县',
  '兰山区',
  '河东区',
  '鄂城区',
  '克拉玛依区',
  '滨海新区',
  '江北区',
  '武侯区',
  '雁塔区',
  '岳麓区',
  '金水区',
];
const TRADE = [
  ...'泰昱澄岚翊衡沛珂霁禾砚朔筠棠璟岑澜骁栩琮峤溯湛嵘檀芮钧弈珩曦淞邺蔚皓祁岱渊瀚楠铖屹桓煜竺暄峪泓宸鹭',
  ...'鑫瑞恒宏盛华达源德润嘉博锦昊晟祥诚信丰景弘通远兴凯航峰晨阳辰旭东方正安康宁平和顺隆昌茂荣富贵金玉',
  ...'天地人和中美新宇宙星月光明亮彩虹云海山川林森木水火土石田丰禾谷粮油盐茶酒花草竹梅兰菊松柏杨柳桃李',
  ...'龙凤鹏鹤麒麟虎豹狮象马牛羊鹿熊猫鸿雁燕莺鹰隼雀鸥鹭蝶蜂蚕丝绸锦绣纱缎布衣帛帆舟车桥路港湾津渡川流',
  ...'志远鸿图伟业永盛长青万象千禧百合十全九鼎八方七彩六和五福四海三友二元一品汇聚联合协同创智慧灵捷迅',
];
const INDUSTRIES = [
  '建筑工程',
  '建设工程',
  '市政工程',
  '路桥工程',
  '园林绿化工程',
  '装饰工程',
  '水利水电工程',
  '建筑劳务',
  '消防工程',
  '科技',
  '信息技术',
  '医疗器械',
  '办公设备',
  '商贸',
  '电子科技',
  '环保科技',
  '智能科技',
  '教学设备',
  '进出口贸易',
  '食品',
  '餐饮管理',
  '农业开发',
  '物业管理',
  '工程监理咨询',
  '工程造价咨询',
  '保安服务',
  '检测技术',
  '招标代理',
  '人力资源服务',
  '文化传媒',
  '物流',
  '运输',
  '网络科技',
  '生物科技',
  '新能源',
  '房地产开发',
  '汽车销售',
  '家具',
  '服装',
  '化工',
];
const FORMS: ReadonlyArray<readonly [string, number]> = [
  ['有限公司', 70],
  ['有限责任公司', 14],
  ['股份有限公司', 6],
  ['（集团）有限公司', 4],
  ['集团有限公司', 2],
];
const SHOPS = ['建材经营部', '五金商行', '办公用品店', '电器维修部', '副食店', '汽车修理厂', '农资经营部'];
const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志海燕秀兰',
];
const LISTS = [
  ['dishonest-judgment-debtor', 'black', '人民法院'],
  ['major-tax-violation', 'black', '税务局'],
  ['wage-arrears-migrant-workers', 'black', '人力资源和社会保障局'],
  ['gov-procurement-serious-violation', 'black', '财政局'],
  ['a-grade-taxpayer', 'red', '税务局'],
  ['contract-abiding-enterprise', 'red', '市场监督管理局'],
] as const;
const REASONS = Array.from(
  { length: 40 },
  (_, i) => `失信行为类型${i + 1}：有履行能力而拒不履行生效法律文书确定义务`,
);
const IMPORTS = [
  '2026-01-05T02:00:00.000Z',
  '2026-03-02T02:00:00.000Z',
  '2026-06-01T02:00:00.000Z',
  '2026-09-01T02:00:00.000Z',
];

interface Synthetic {
  subject: Omit<Subject, 'seq'>;
  entries: Array<Omit<Entry, 'seq' | 'subjectId'>>;
}

function weighted<T>(rand: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  let total = 0;
  for (const [, w] of items) total += w;
  let r = rand() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return items[items.length - 1]![0];
}

function hex20(n: number): string {
  return n.toString(16).padStart(20, '0');
}

/** Subjects with 1–3 entries each, `entries` entries in all, every organization name distinct. */
function* synthesize(entries: number): Generator<Synthetic> {
  const rand = seeded(20261123);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const seen = new Set<string>();
  let made = 0;
  for (let i = 0; made < entries; i++) {
    const person = rand() < 0.15;
    let name: string;
    if (person) {
      name = pick(SURNAMES) + pick(GIVEN) + (rand() < 0.6 ? pick(GIVEN) : '');
    } else {
      do {
        const city = pick(CITIES);
        const region = rand() < 0.3 ? city + pick(COUNTIES) : city;
        const trade = pick(TRADE) + pick(TRADE);
        const kind = rand();
        if (kind < 0.05) name = region + trade + pick(SHOPS);
        else {
          name = region + trade + pick(INDUSTRIES) + weighted(rand, FORMS);
          if (kind < 0.09) name += pick(CITIES).replace(/市$/, '') + '分公司';
        }
      } while (seen.has(name));
      seen.add(name);
    }
    const key = person ? `p:${hex20(i)}${hex20(i * 7 + 1)}` : generateUSCC(rand);
    const count = Math.min(entries - made, 1 + Math.floor(rand() * rand() * 3.2));
    const subjectEntries: Synthetic['entries'] = [];
    for (let e = 0; e < count; e++) {
      const [listType, kind, designator] = LISTS[(i + e) % LISTS.length]!;
      const year = 2020 + Math.floor(rand() * 6);
      const month = String(1 + Math.floor(rand() * 12)).padStart(2, '0');
      const day = String(1 + Math.floor(rand() * 28)).padStart(2, '0');
      const at = pick(IMPORTS);
      subjectEntries.push({
        id: `ent_${hex20(made + e)}`,
        listType,
        kind,
        designator: pick(CITIES) + designator,
        department: designator,
        basis: `（${year}）渝0235执${i}号之${e}`,
        reason: pick(REASONS),
        decidedOn: `${year}-${month}-${day}`,
        publishedOn: rand() < 0.7 ? `${year}-${month}-${day}` : null,
        validUntil: rand() < 0.8 ? `${year + 3}-${month}-${day}` : null,
        status: rand() < 0.9 ? 'active' : 'revoked',
        createdAt: at,
        updatedAt: at,
      });
    }
    made += count;
    yield {
      subject: {
        id: `sub_${hex20(i)}`,
        type: person ? 'person' : 'org',
        key,
        code: person ? null : key,
        idMasked: person ? '110105********002X' : null,
        name,
        normName: normalizeName(name),
        legalRep: person ? null : pick(SURNAMES) + pick(GIVEN),
        legalRepKey: null,
        division: '500235',
      },
      entries: subjectEntries,
    };
  }
}

/**
 * The generator as a Store's scan, so that ListIndex.load runs its real path without SQLite. Each
 * batch goes through JSON like rows from a database driver: flat, unshared strings (concatenated
 * ones would be V8 cons strings and distort the memory figures). Time spent generating is kept
 * apart so the load time is the index's own.
 */
function syntheticSource(entries: number): IndexSource & { generatingMs: number } {
  return {
    generatingMs: 0,
    currentSeq: async () => 0,
    counts: async () => ({ subjects: Math.round(entries / 1.4), entries }),
    changesSince: async () => [],
    async *scan(this: { generatingMs: number }, batchSize: number) {
      let started = performance.now();
      let batch: Array<{ subject: Subject; entries: Entry[] }> = [];
      for (const s of synthesize(entries)) {
        batch.push({
          subject: { ...s.subject, seq: 1 },
          entries: s.entries.map((e) => ({ ...e, subjectId: s.subject.id, seq: 1 })),
        });
        if (batch.length === batchSize) {
          const fresh = JSON.parse(JSON.stringify(batch));
          this.generatingMs += performance.now() - started;
          yield fresh;
          started = performance.now();
          batch = [];
        }
      }
      if (batch.length > 0) {
        const fresh = JSON.parse(JSON.stringify(batch));
        this.generatingMs += performance.now() - started;
        yield fresh;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring.

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) {
    collect();
    collect();
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MB`;
}

function memory(): { heap: number; rss: number; external: number } {
  gc();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, rss: m.rss, external: m.arrayBuffers };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

function us(ms: number): string {
  return Number.isNaN(ms) ? '-' : ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`;
}

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...(r[c] ?? '')].length)));
  for (const [i, row] of rows.entries()) {
    console.log(`| ${row.map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length)).join(' | ')} |`);
    if (i === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  }
}

// ---------------------------------------------------------------------------------------------
// Queries: variants of listed names, each with the subject it should find first.

type Kind =
  | 'exact'
  | 'width'
  | 'bracket'
  | 'traditional'
  | 'typo'
  | 'suffix-removed'
  | 'suffix-changed'
  | 'branch-of-listed'
  | 'parent-of-listed'
  | 'region-dropped'
  | 'unlisted';

interface Query {
  kind: Kind;
  text: string;
  /** Key expected first; null: nothing should be found. */
  expect: string | null;
}

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'tw' });
const FULL_WIDTH: Record<string, string> = { '(': '（', ')': '）', '（': '(', '）': ')' };
const TYPO_CHARS = [
  ...'甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥赤橙黄绿青蓝紫黑白灰粉褐琥珀翡翠玛瑙珍珠',
];
const OTHER_FORMS = ['有限公司', '有限责任公司', '股份有限公司'];

function regionLength(name: string): number {
  let best = 0;
  for (const city of CITIES) {
    if (!name.startsWith(city)) continue;
    best = city.length;
    for (const county of COUNTIES) if (name.startsWith(city + county)) best = city.length + county.length;
  }
  return best;
}

function makeQueries(list: ListIndex, count: number): Query[] {
  const rand = seeded(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
  const orgs: number[] = [];
  const bracketed: number[] = [];
  const branches: number[] = [];
  for (let row = 0; row < list.size; row++) {
    if (list.typeAt(row) !== 'org') continue;
    const name = list.nameAt(row);
    if (/分公司$/.test(name)) branches.push(row);
    else {
      orgs.push(row);
      if (name.includes('（')) bracketed.push(row);
    }
  }
  const listed = new Set<string>();
  for (const row of orgs) listed.add(list.normNameAt(row));
  for (const row of branches) listed.add(list.normNameAt(row));

  const kinds: Kind[] = [
    'exact',
    'width',
    'bracket',
    'traditional',
    'typo',
    'suffix-removed',
    'suffix-changed',
    'branch-of-listed',
    'parent-of-listed',
    'region-dropped',
    'unlisted',
  ];
  // A branch whose parent is listed too is found as the parent (exact) first: not this test.
  const orphanBranches = branches.filter((row) => {
    const parent = splitName(list.nameAt(row)).branch?.parent;
    return parent !== undefined && !listed.has(parent);
  });
  const out: Query[] = [];
  while (out.length < count) {
    const kind = kinds[out.length % kinds.length]!;
    const before = out.length;
    const row =
      kind === 'bracket' ? pick(bracketed) : kind === 'parent-of-listed' ? pick(orphanBranches) : pick(orgs);
    const name = list.nameAt(row);
    const key = list.keyAt(row);
    const split = splitName(name);
    switch (kind) {
      case 'exact':
        out.push({ kind, text: name, expect: key });
        break;
      case 'width': {
        const at = regionLength(name) || 2;
        const text =
          [...name.slice(0, at)].join('') +
          '\u3000' +
          name.slice(at).replace(/[()（）]/g, (c) => FULL_WIDTH[c]!);
        out.push({
          kind,
          text: text.replace(/[A-Za-z0-9]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)),
          expect: key,
        });
        break;
      }
      case 'bracket':
        out.push({
          kind,
          text: name.replace('（', pick(['【', '[', '〔', '('])).replace('）', pick(['】', ']', '〕', ')'])),
          expect: key,
        });
        break;
      case 'traditional':
        out.push({ kind, text: toTraditional(name), expect: key });
        break;
      case 'typo': {
        // Inside the trade name or industry, never the region (a changed region is another place).
        const from = regionLength(name);
        const to = Math.max(from + 1, split.base.length);
        const at = from + Math.floor(rand() * (to - from));
        const op = Math.floor(rand() * 4);
        let text: string;
        if (op === 0) text = name.slice(0, at) + pick(TYPO_CHARS) + name.slice(at + 1);
        else if (op === 1) text = name.slice(0, at) + pick(TYPO_CHARS) + name.slice(at);
        else if (op === 2) text = name.slice(0, at) + name.slice(at + 1);
        else
          text =
            at + 1 < to
              ? name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2)
              : name.slice(0, at) + name.slice(at + 1);
        out.push({ kind, text, expect: key });
        break;
      }
      case 'suffix-removed':
        out.push({ kind, text: name.slice(0, normalizedBaseLength(name)), expect: key });
        break;
      case 'suffix-changed': {
        const base = name.slice(0, normalizedBaseLength(name));
        const current = name.slice(base.length);
        const other = OTHER_FORMS.filter((f) => f !== current);
        out.push({ kind, text: base + pick(other), expect: key });
        break;
      }
      case 'branch-of-listed':
        out.push({ kind, text: `${name}${pick(CITIES).replace(/市$/, '')}分公司`, expect: key });
        break;
      case 'parent-of-listed':
        out.push({ kind, text: split.branch?.parent ?? name, expect: key });
        break;
      case 'region-dropped':
        out.push({ kind, text: name.slice(regionLength(name)), expect: key });
        break;
      case 'unlisted': {
        // A plausible name that is not on any list (and not one edit from one by construction).
        let text: string;
        do text = pick(CITIES) + pick(TYPO_CHARS) + pick(TYPO_CHARS) + pick(INDUSTRIES) + pick(OTHER_FORMS);
        while (listed.has(normalizeName(text)));
        out.push({ kind, text, expect: null });
        break;
      }
    }
    // A variant that is itself a listed name is an exact query for another subject: draw again.
    const made = out[before];
    if (
      made &&
      made.expect !== null &&
      VARIANTS_OF_OTHERS.has(kind) &&
      listed.has(normalizeName(made.text))
    ) {
      out.length = before;
    }
  }
  return out;
}

/** Kinds whose text may coincide with another listed name. */
const VARIANTS_OF_OTHERS: ReadonlySet<Kind> = new Set<Kind>([
  'typo',
  'suffix-removed',
  'suffix-changed',
  'branch-of-listed',
  'region-dropped',
]);

/** Length of the name without its company form, in raw characters (names here are already simple). */
function normalizedBaseLength(name: string): number {
  return splitName(name).base.length;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  warmUpSimplify();
  console.log(
    `CredCheck search benchmark: ${N.toLocaleString('en')} entries, ${QUERIES.toLocaleString('en')} queries, Node ${process.version}`,
  );
  if (!(globalThis as { gc?: unknown }).gc) console.log('(run with --expose-gc for exact memory figures)');
  const m0 = memory();

  let t = performance.now();
  const source = syntheticSource(N);
  const list = await ListIndex.load(source, { batchSize: 500 });
  const listMs = performance.now() - t - source.generatingMs;
  const m1 = memory();

  t = performance.now();
  const names = NameIndex.build(list);
  const namesMs = performance.now() - t;
  const m2 = memory();

  console.log('');
  table([
    ['build', 'time', 'heap Δ', 'array buffers Δ', 'RSS after'],
    [
      `ListIndex.load (${list.size.toLocaleString('en')} subjects, ${list.entryCount.toLocaleString('en')} entries)`,
      `${(listMs / 1000).toFixed(2)} s`,
      mb(m1.heap - m0.heap),
      mb(m1.external - m0.external),
      mb(m1.rss),
    ],
    [
      `NameIndex.build (${names.size.toLocaleString('en')} names)`,
      `${(namesMs / 1000).toFixed(2)} s`,
      mb(m2.heap - m1.heap),
      mb(m2.external - m1.external),
      mb(m2.rss),
    ],
  ]);

  if (WITH_SQLITE) await sqliteLoad();

  const queries = makeQueries(list, QUERIES);
  // Baseline: what an exact lookup costs, in the same process on the same queries.
  const exactMap = new Map<string, string>();
  for (let row = 0; row < list.size; row++)
    if (list.typeAt(row) === 'org') exactMap.set(list.normNameAt(row), list.keyAt(row));

  for (const q of queries.slice(0, 500)) names.search(q.text); // warm-up
  const byKind = new Map<
    Kind | 'all',
    { times: number[]; hits: number; top3: number; base: number[]; baseHits: number; n: number }
  >();
  const slot = (k: Kind | 'all') => {
    let s = byKind.get(k);
    if (!s) {
      s = { times: [], hits: 0, top3: 0, base: [], baseHits: 0, n: 0 };
      byKind.set(k, s);
    }
    return s;
  };
  let strongFalse = 0;
  const missesShown = new Map<Kind, number>();
  for (const q of queries) {
    let start = performance.now();
    const hits = names.search(q.text, { limit: 10 });
    const took = performance.now() - start;
    start = performance.now();
    const baseKey = exactMap.get(normalizeName(q.text));
    const baseTook = performance.now() - start;
    const ok = q.expect === null ? hits.length === 0 : hits[0]?.key === q.expect;
    const inTop3 = q.expect === null ? ok : hits.slice(0, 3).some((h) => h.key === q.expect);
    if (!ok && SHOW_MISSES && (missesShown.get(q.kind) ?? 0) < 4) {
      missesShown.set(q.kind, (missesShown.get(q.kind) ?? 0) + 1);
      const meant = q.expect === null ? null : list.get(q.expect)?.subject.name;
      console.log(`miss ${q.kind}: ${q.text} (meant ${meant ?? 'nothing'})`);
      for (const h of hits.slice(0, 3)) console.log(`   ${h.score} ${h.match} ${h.reason ?? ''} ${h.name}`);
    }
    const baseOk = q.expect === null ? baseKey === undefined : baseKey === q.expect;
    if (q.expect === null && (hits[0]?.score ?? 0) >= 0.85) strongFalse++;
    for (const s of [slot(q.kind), slot('all')]) {
      s.n++;
      s.times.push(took);
      s.base.push(baseTook);
      if (ok) s.hits++;
      if (inTop3) s.top3++;
      if (baseOk) s.baseHits++;
    }
  }

  console.log('');
  table([
    [
      'query kind',
      'n',
      'p50',
      'p95',
      'p99',
      'top-1',
      'top-3',
      'baseline p50',
      'baseline p95',
      'baseline top-1',
    ],
    ...[...byKind.entries()]
      .sort(([a], [b]) => (a === 'all' ? 1 : b === 'all' ? -1 : 0))
      .map(([kind, s]) => {
        const times = Float64Array.from(s.times).sort();
        const base = Float64Array.from(s.base).sort();
        return [
          kind,
          String(s.n),
          us(percentile(times, 50)),
          us(percentile(times, 95)),
          us(percentile(times, 99)),
          `${((100 * s.hits) / s.n).toFixed(1)}%`,
          `${((100 * s.top3) / s.n).toFixed(1)}%`,
          us(percentile(base, 50)),
          us(percentile(base, 95)),
          `${((100 * s.baseHits) / s.n).toFixed(1)}%`,
        ];
      }),
  ]);
  const unlisted = byKind.get('unlisted');
  if (unlisted) {
    console.log(
      `unlisted: top-1 = no hit at all; ${strongFalse} of ${unlisted.n} got a hit scored >= 0.85 (a one-edit neighbour or a form variant).`,
    );
  }

  // Lookups by key: the hot read of every code check.
  const rand = seeded(11);
  const keys = Array.from({ length: 100_000 }, () => list.keyAt(Math.floor(rand() * list.size)));
  const misses = Array.from({ length: 100_000 }, () => generateUSCC(rand));
  const time = (fn: (key: string) => unknown, input: string[]) => {
    const out = new Float64Array(input.length);
    for (let i = 0; i < input.length; i++) {
      const start = performance.now();
      fn(input[i]!);
      out[i] = performance.now() - start;
    }
    return out.sort();
  };
  const keyMap = new Map<string, number>();
  for (let row = 0; row < list.size; row++) keyMap.set(list.keyAt(row), row);
  time((k) => list.get(k), keys.slice(0, 10_000));
  const rows = [
    ['ListIndex.get(key): subject + entries', time((k) => list.get(k), keys)],
    ['ListIndex.get(key), not listed', time((k) => list.get(k), misses)],
    ['ListIndex.rowOfKey(key)', time((k) => list.rowOfKey(k), keys)],
    ['baseline Map<string, number>.get(key)', time((k) => keyMap.get(k), keys)],
  ] as const;
  console.log('');
  table([
    ['lookup (100,000 random keys)', 'p50', 'p95', 'p99', 'mean'],
    ...rows.map(([label, times]) => [
      label,
      us(percentile(times, 50)),
      us(percentile(times, 95)),
      us(percentile(times, 99)),
      us(times.reduce((a, b) => a + b, 0) / times.length),
    ]),
  ]);
}

/**
 * Optional: the same data through a real SQLite store, then ListIndex.load from the file. With
 * BENCH_SQLITE_FILE the file is kept (and reused when it exists) so that loads can be repeated.
 */
async function sqliteLoad(): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { openSqliteStore } = await import('../../api/src/store/sqlite.ts');
  const keep = process.env.BENCH_SQLITE_FILE;
  const dir = keep ? null : mkdtempSync(join(tmpdir(), 'credcheck-bench-'));
  const file = keep ?? join(dir as string, 'bench.db');
  try {
    const fresh = !existsSync(file);
    const store = openSqliteStore(file);
    await store.migrate();
    let importMs = 0;
    if (fresh) {
      const t = performance.now();
      await store.importRecords(importChunks(), { actor: 'bench' });
      importMs = performance.now() - t;
    }
    const batchSize = Number(process.env.BENCH_BATCH ?? 500);
    // Load first, in a process that has done nothing else yet, so RSS shows what the index costs.
    const m0 = memory();
    let t = performance.now();
    const index = await ListIndex.load(store, { batchSize });
    const loadMs = performance.now() - t;
    const m1 = memory();
    t = performance.now();
    let scanned = 0;
    for await (const batch of store.scan(batchSize)) for (const s of batch) scanned += s.entries.length;
    const scanMs = performance.now() - t;
    console.log('');
    table([
      ['SQLite', 'time', 'heap Δ', 'array buffers Δ', 'RSS before → after'],
      [
        `importRecords (${N.toLocaleString('en')} rows)`,
        fresh ? `${(importMs / 1000).toFixed(1)} s` : '(reused file)',
        '',
        '',
        '',
      ],
      [
        `store.scan(${batchSize}) alone, nothing kept (${scanned.toLocaleString('en')} entries)`,
        `${(scanMs / 1000).toFixed(2)} s`,
        '',
        '',
        '',
      ],
      [
        `ListIndex.load from the file (${index.entryCount.toLocaleString('en')} entries)`,
        `${(loadMs / 1000).toFixed(2)} s`,
        mb(m1.heap - m0.heap),
        mb(m1.external - m0.external),
        `${mb(m0.rss)} → ${mb(m1.rss)}`,
      ],
    ]);
    await store.close();
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

async function* importChunks(): AsyncGenerator<ImportRecord[]> {
  let chunk: ImportRecord[] = [];
  let line = 2;
  for (const s of synthesize(N)) {
    for (const e of s.entries) {
      const { id: _s, ...subject } = s.subject;
      const { id: _e, createdAt: _c, updatedAt: _u, ...entry } = e;
      chunk.push({ line: line++, subject, entry });
    }
    if (chunk.length >= 10_000) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

if (process.env.BENCH_SQLITE === 'only') {
  warmUpSimplify();
  await sqliteLoad();
} else await main();
