import fc from 'fast-check';

/**
 * Hostile input for the fuzzing suites of every package: strings that attack SQL, HTML, encodings
 * and parsers, numbers beyond range, prototype keys, and the fast-check arbitraries built from them.
 */

/** The seed every hostile property runs with; FC_SEED overrides it to replay another run. */
export const FC_SEED = Number(process.env.FC_SEED ?? 20261123);

export const SQL_INJECTION = [
  "'; DROP TABLE entries; --",
  "' OR '1'='1",
  "1' OR 1=1 --",
  '" OR ""="',
  '1; SELECT pg_sleep(30); --',
  "'; SELECT sqlite_version(); --",
  "%' OR 1=1 --",
  "') UNION SELECT key_hash FROM api_keys --",
  '$1',
  '?',
  '\\',
  "'",
];

export const MARKUP = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '"><svg onload=alert(1)>',
  'javascript:alert(1)',
  '{{7*7}}',
  '\x24{7*7}',
  '<!--',
  ']]>',
  '&lt;b&gt;&amp;',
];

export const ODD_TEXT = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff',
  'x\udbff',
  '\ufeff',
  '\u202e',
  '\u200b',
  '𠮷𠮷',
  '\r\n\t',
  ' ',
  '',
  '%00',
  '%',
  '../../etc/passwd',
  'A'.repeat(70_000),
];

export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'];

export const HOSTILE_STRINGS = [...SQL_INJECTION, ...MARKUP, ...ODD_TEXT, ...PROTO_KEYS];

export const HOSTILE_NUMBERS = [
  1e308,
  -1e308,
  Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2,
  -0,
  0.5,
  -1,
  2 ** 31,
  2 ** 63,
  5e-324,
];

/** A string that is hostile for a reason above, or arbitrary code points (lone surrogates included). */
export const hostileString = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE_STRINGS), fc.string({ maxLength: 8 }))
      .map(([a, b]) => a + b),
  },
);

export const hostileScalar = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, 1) },
);

const hostileKey = fc.oneof(fc.constantFrom(...PROTO_KEYS), hostileString);

/** Any JSON value with hostile strings, keys and numbers, a few levels deep. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileScalar,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie('value'), { maxKeys: 4 }),
  ),
})).value;

/** An object with the given field names (a route's own), each holding a hostile value, plus stray keys. */
export function hostileObject(fields: string[]): fc.Arbitrary<Record<string, unknown>> {
  const named = fields.length
    ? fc.dictionary(fc.constantFrom(...fields), fc.oneof(hostileScalar, hostileJson), {
        minKeys: 1,
        maxKeys: fields.length,
      })
    : fc.constant({});
  return fc
    .tuple(named, fc.dictionary(fc.constantFrom(...PROTO_KEYS), hostileJson, { maxKeys: 1 }))
    .map(([a, b]) => Object.assign(a, b));
}

/**
 * Raw JSON text an attacker writes by hand: what JSON.stringify can never produce (an own
 * `__proto__` member, numbers beyond double range, duplicate keys) and what it can but rarely does.
 */
export const RAW_JSON_BODIES = [
  '{"__proto__":{"role":"admin","isAdmin":true,"department":"x"}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  `{"limit":1${'0'.repeat(400)}}`,
  `[${'9'.repeat(5000)}]`,
  '{"a":1,"a":2,"a":{"__proto__":null}}',
  '{"code":"\\u0000","name":"\\ud800"}',
  '"just a string"',
  '123',
  'null',
  'true',
  '[]',
  '{}',
  '{',
  '{"unterminated":"',
  '\u0000',
  '',
  '{}{}',
  '{"x":1}garbage',
  `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
  `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`,
];

/** Byte-level damage: inserted odd bytes, cut ranges, a truncated end. */
export const byteDamage = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      bytes: fc.constantFrom(
        [0x00],
        [0xff, 0xfe],
        [0xc0, 0xaf],
        [0xed, 0xa0, 0x80],
        [0x22],
        [0x0a],
        [0x2c],
        [0x7b],
        [0x5d],
      ),
    }),
    fc.record({
      kind: fc.constant('cut' as const),
      at: fc.double({ min: 0, max: 1, noNaN: true }),
      length: fc.integer({ min: 1, max: 40 }),
    }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  ),
  { minLength: 1, maxLength: 4 },
);

export function applyDamage(
  input: Uint8Array,
  edits: Array<{ kind: string; at: number; bytes?: readonly number[]; length?: number }>,
) {
  let b = Buffer.from(input);
  for (const e of edits) {
    const at = Math.floor(e.at * b.length);
    if (e.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(e.bytes!), b.subarray(at)]);
    else if (e.kind === 'cut') b = Buffer.concat([b.subarray(0, at), b.subarray(at + e.length!)]);
    else b = b.subarray(0, at);
  }
  return b;
}
