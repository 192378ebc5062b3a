// Throughput of code validation and name normalization on one core, each beside a baseline
// measured in the same run. Prints a table; never fails on timing.
//   npx tsx test/bench/identifiers.bench.ts
import { generateUSCC, USCC_CHARSET, USCC_WEIGHTS, validateUSCC } from '@credcheck/sdk/identifiers';
import { normalizeName, warmUpSimplify } from '@credcheck/sdk/names';

const CODES = 1_000_000;
const NAMES = 200_000;
const ROUNDS = 3;

/** mulberry32: the same inputs on every run. */
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

const rand = seeded(20261123);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)] as T;

function makeCodes(): string[] {
  const codes: string[] = new Array(CODES);
  for (let i = 0; i < CODES; i++) {
    const code = generateUSCC(rand);
    if (rand() < 0.1) {
      // One substituted character: what a typo on a published list looks like.
      const at = Math.floor(rand() * 18);
      let c = pick([...USCC_CHARSET]);
      if (c === code.charAt(at)) c = c === '0' ? '1' : '0';
      codes[i] = code.slice(0, at) + c + code.slice(at + 1);
    } else codes[i] = code;
  }
  return codes;
}

function makeNames(): string[] {
  const places = ['北京', '上海市', '深圳市', '重庆', '臺灣', '廣州市', '鄂州', '云阳县', '克拉玛依'];
  const trade = [...'泰昱祁宏溯晟通蔚珩诚锦珂德朔华霁景瀚衡弘兴芮渊瑞瀚润鴻達興業華聯']; // some traditional
  const trades = [
    '办公设备',
    '水利水电工程',
    '消防工程',
    '仪器设备',
    '贸易',
    '電子科技',
    '建設工程',
    '家具',
    'ＩＴ服务',
  ];
  const forms = [
    '有限公司',
    '有限责任公司',
    '股份有限公司',
    '（集团）有限公司',
    '(集團)有限公司',
    '經營部',
    '厂',
  ];
  const names: string[] = new Array(NAMES);
  for (let i = 0; i < NAMES; i++) {
    let name = pick(places) + pick(trade) + pick(trade) + pick(trades) + pick(forms);
    if (rand() < 0.1) name = name.replace(/有限/, ' 有限'); // stray spaces
    if (rand() < 0.05) name += pick(['上海分公司', '北京市分行', '驻京办事处']);
    names[i] = name;
  }
  return names;
}

/** Best of ROUNDS, in items per second; `sink` keeps the work from being optimised away. */
let sink = 0;
function measure(items: number, run: () => number): number {
  run(); // warm up the JIT
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) {
    const start = process.hrtime.bigint();
    sink += run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return items / best;
}

const value = new Uint8Array(128);
for (let i = 0; i < USCC_CHARSET.length; i++) value[USCC_CHARSET.charCodeAt(i)] = i;

console.log(
  `generating ${CODES.toLocaleString('en')} codes (90% valid / 10% one substitution) and ${NAMES.toLocaleString('en')} names…`,
);
const codes = makeCodes();
const names = makeNames();

const weightedSum = measure(CODES, () => {
  let acc = 0;
  for (const code of codes) {
    let sum = 0;
    for (let i = 0; i < 17; i++) sum += (value[code.charCodeAt(i)] as number) * (USCC_WEIGHTS[i] as number);
    acc += sum % 31;
  }
  return acc;
});
let validCount = 0;
const validate = measure(CODES, () => {
  let valid = 0;
  for (const code of codes) if (validateUSCC(code).valid) valid++;
  validCount = valid;
  return valid;
});

const tableStart = process.hrtime.bigint();
warmUpSimplify();
const tableMs = Number(process.hrtime.bigint() - tableStart) / 1e6;
const nfkc = measure(NAMES, () => {
  let length = 0;
  for (const name of names) length += name.normalize('NFKC').length;
  return length;
});
const normalize = measure(NAMES, () => {
  let length = 0;
  for (const name of names) length += normalizeName(name).length;
  return length;
});

const fmt = (n: number): string => Math.round(n).toLocaleString('en').padStart(12);
const rows = [
  ['validateUSCC', fmt(validate), 'bare weighted sum', fmt(weightedSum), (weightedSum / validate).toFixed(1)],
  ['normalizeName', fmt(normalize), "normalize('NFKC')", fmt(nfkc), (nfkc / normalize).toFixed(1)],
];
console.log(`\nNode ${process.version}, one core, best of ${ROUNDS} rounds\n`);
console.log('| operation     |     per second | baseline           |   per second | baseline / op |');
console.log('|---------------|----------------|--------------------|--------------|---------------|');
for (const [op, rate, base, baseRate, ratio] of rows) {
  console.log(
    `| ${op?.padEnd(13)} | ${rate?.padStart(14)} | ${base?.padEnd(18)} | ${baseRate} | ${ratio?.padStart(12)}× |`,
  );
}
console.log(`\nvalid codes: ${validCount.toLocaleString('en')} of ${CODES.toLocaleString('en')}`);
console.log(`traditional→simplified table built once in ${tableMs.toFixed(0)} ms`);
if (sink === 42) console.log(''); // keeps `sink` observable
