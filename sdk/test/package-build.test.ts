import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdk, ENTRIES } from '../scripts/package-build.ts';

const run = promisify(execFile);
const repoModules = fileURLToPath(new URL('../../node_modules/', import.meta.url));
const CODE = '91110108MA0U94MT1P';

/**
 * The published shape, as a consumer outside the monorepo sees it: the build is written to
 * <tmp>/node_modules/@credcheck/sdk beside its runtime dependencies, and plain .cjs / .mjs scripts
 * and TypeScript consumers use it by package name against a small HTTP stub of the API.
 */
describe('the published build of @credcheck/sdk', () => {
  let dir: string;
  let pkg: string;
  let stub: Server;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-sdk-build-'));
    pkg = join(dir, 'node_modules/@credcheck/sdk');
    await buildSdk(pkg);
    for (const dep of ['ky', 'opencc-js'])
      symlinkSync(join(repoModules, dep), join(dir, 'node_modules', dep));
    // Answers a lookup for CODE; every decision request gets a 503, so decide() must fail closed.
    stub = createServer((req, res) => {
      if (req.url === `/v1/subjects/${CODE}`) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ subject: { code: CODE, status: 'clean' }, auth: req.headers.authorization }),
        );
      } else {
        res.writeHead(503, { 'content-type': 'application/problem+json' });
        res.end(JSON.stringify({ type: '/problems/unavailable', title: 'down', status: 503 }));
      }
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    await new Promise((r) => stub?.close(r));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes a manifest with import/require/types conditions for every entry point', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.exports)).toEqual([
      ...Object.keys(ENTRIES),
      './web/credcheck-check.js',
      './package.json',
    ]);
    expect(manifest.exports['./client']).toEqual({
      import: { types: './client/index.d.ts', default: './client/index.js' },
      require: { types: './client/index.d.cts', default: './client/index.cjs' },
    });
    for (const target of Object.values(manifest.exports).flatMap((e) =>
      typeof e === 'string' ? [e] : Object.values(e as object).flatMap((c) => Object.values(c)),
    ))
      expect(() => readFileSync(join(pkg, target as string)), target as string).not.toThrow();
  });

  it('keeps the built client core free of Node-only APIs, in both formats (ky inlined in CJS)', () => {
    for (const dir of ['client', 'receipt', 'webhooks'])
      for (const file of readdirSync(join(pkg, dir)).filter((f) => /\.c?js$/.test(f))) {
        const text = readFileSync(join(pkg, dir, file), 'utf8');
        expect(text, `${dir}/${file}`).not.toMatch(/\bprocess\.|\bBuffer\b|__dirname|['"]node:/);
        for (const [, spec] of text.matchAll(/(?:from |require\()"([^"]+)"/g))
          expect(
            spec!.startsWith('.') || (file.endsWith('.js') && spec === 'ky'),
            `${dir}/${file}: ${spec}`,
          ).toBe(true);
      }
  });

  // The same calls from CommonJS and from ESM; each prints what it got as one JSON line.
  const body = (load: string) => `${load}
const url = process.env.STUB_URL;
const id = sdk.validateUSCC('${CODE}');
const bad = sdk.validateUSCC('91110108MA0U94MT1X');
const cc = client.createClient({ baseUrl: url, apiKey: 'k1', retry: 0, onUnavailable: 'review' });
const found = await cc.lookup('${CODE}');
const d = await cc.decide({ scenario: 'gov-procurement', subject: { code: '${CODE}' } });
let problem = null;
try { await cc.search('x'); } catch (e) { problem = { isProblem: e instanceof client.ProblemError, status: e.status }; }
console.log(JSON.stringify({
  valid: id.valid, badFailure: bad.failure !== null, name: sdk.normalizeName('北京某某建設（集团）有限公司'),
  masked: sdk.maskPhone('13812345678'), sameClass: snapshot.SnapshotError === sdk.SnapshotError,
  found: found.subject.code, auth: found.auth, outcome: d.outcome, action: d.action, problem,
}));`;

  const expected = {
    valid: true,
    badFailure: true,
    name: expect.stringContaining('北京某某建设'),
    masked: expect.not.stringContaining('12345'),
    sameClass: true,
    found: CODE,
    auth: 'Bearer k1',
    outcome: 'unavailable',
    action: 'review',
    problem: { isProblem: true, status: 503 },
  };

  it('require()s the CommonJS build from a plain .cjs script and talks to the API', async () => {
    const file = join(dir, 'consumer.cjs');
    writeFileSync(
      file,
      `(async () => {${body(`const sdk = require('@credcheck/sdk');
const client = require('@credcheck/sdk/client');
const snapshot = require('@credcheck/sdk/snapshot');
if (typeof require('@credcheck/sdk/identifiers').validateUSCC !== 'function') throw new Error('subpath');`)}
})().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const { stdout } = await run(process.execPath, [file], {
      cwd: dir,
      env: { ...process.env, STUB_URL: url },
    });
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  it('import()s the ESM build from a plain .mjs script and talks to the API', async () => {
    const file = join(dir, 'consumer.mjs');
    writeFileSync(
      file,
      body(`const sdk = await import('@credcheck/sdk');
const client = await import('@credcheck/sdk/client');
const snapshot = await import('@credcheck/sdk/snapshot');`),
    );
    const { stdout } = await run(process.execPath, [file], {
      cwd: dir,
      env: { ...process.env, STUB_URL: url },
    });
    expect(JSON.parse(stdout)).toEqual(expected);
  });

  // The bin as npm links it: plain node, no tsx, and no @credcheck/api beside it (server commands absent).
  const bin = () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    return join(pkg, manifest.bin.credcheck);
  };
  const credcheck = (args: string[]) =>
    run(process.execPath, [bin(), ...args], { cwd: dir }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );

  it('runs the credcheck bin: --help lists the client commands only', async () => {
    const { code, stdout, stderr } = await credcheck(['--help']);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/Commands:\n {2}lookup .*\n {2}search .*\n {2}decide .*\n {2}screen .*\n\n/);
  });

  it('fails closed with exit 3 when the API answers 503 or nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const nothing = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    for (const api of [url, nothing]) {
      const r = await credcheck(['lookup', CODE, '--api', api, '--timeout', '2000']);
      expect(r.code, `${api}: ${r.stderr}`).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/could not reach the API|unavailable|503/i);
    }
  });

  it('import()s and require()s @credcheck/sdk/tabular and parses a GBK CSV file', async () => {
    // 代码,名称 / <CODE>,北京 in GBK bytes: the reader must pick GB18030 from the sample.
    const gbk = Buffer.concat([
      Buffer.from([0xb4, 0xfa, 0xc2, 0xeb, 0x2c, 0xc3, 0xfb, 0xb3, 0xc6, 0x0d, 0x0a]),
      Buffer.from(`${CODE},`),
      Buffer.from([0xb1, 0xb1, 0xbe, 0xa9, 0x0a]),
    ]);
    writeFileSync(join(dir, 'list.csv'), gbk);
    const parse = `const path = process.argv[2];
const sample = await t.readSample(path);
const choice = t.chooseEncoding(sample);
const parser = new t.CsvParser();
const rows = [];
for await (const chunk of t.readTextChunks(path, choice)) parser.push(chunk, rows);
parser.end(rows);
console.log(JSON.stringify({ format: t.detectFormat(path, sample), encoding: choice.encoding, rows: rows.map((r) => r.fields) }));`;
    writeFileSync(join(dir, 'tabular.mjs'), `const t = await import('@credcheck/sdk/tabular');\n${parse}`);
    writeFileSync(
      join(dir, 'tabular.cjs'),
      `const t = require('@credcheck/sdk/tabular');\n(async () => {${parse}})();`,
    );
    for (const file of ['tabular.mjs', 'tabular.cjs']) {
      const { stdout } = await run(process.execPath, [join(dir, file), join(dir, 'list.csv')], { cwd: dir });
      expect(JSON.parse(stdout), file).toEqual({
        format: 'csv',
        encoding: 'gb18030',
        rows: [
          ['代码', '名称'],
          [CODE, '北京'],
        ],
      });
    }
  });

  // Typed use of the emitted declarations; the @ts-expect-error lines prove the types are not `any`.
  const consumer = `import { createClient, verifyReceipt, type DecisionOrUnavailable } from '@credcheck/sdk/client';
import { validateUSCC } from '@credcheck/sdk/identifiers';
import { normalizeName } from '@credcheck/sdk/names';
import { maskIdPublic } from '@credcheck/sdk/mask';
import { SnapshotError } from '@credcheck/sdk/snapshot';
import { cleanCode } from '@credcheck/sdk';

export async function approve(code: string): Promise<string | null> {
  const cc = createClient({ baseUrl: 'http://localhost:8787', apiKey: 'k', onUnavailable: 'block' });
  const d: DecisionOrUnavailable = await cc.decide({ scenario: 'gov-procurement', subject: { code: cleanCode(code) } });
  if (d.outcome === 'unavailable') return d.action;
  const outcome: 'block' | 'review' | 'favour' | 'clear' = d.outcome;
  const { claims } = await verifyReceipt(d.receipt, { jwksUrl: 'http://localhost:8787/.well-known/jwks.json' });
  await cc.sendFeedback(d.id, { measures: d.measures.map((m) => ({ code: m.code, applied: true })) });
  // @ts-expect-error the request body is typed from the OpenAPI schema
  await cc.decide({ scenario: 'gov-procurement', subject: { code }, nonsense: 1 });
  // @ts-expect-error a validation result is not a string
  const s: string = validateUSCC(code);
  return [outcome, claims.jti, normalizeName(code), maskIdPublic(code), String(new SnapshotError('bad-magic', 'x')), s].join();
}
`;

  function typeCheck(files: string[], options: ts.CompilerOptions): string {
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: [],
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      ...options,
    });
    return ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => dir,
      getNewLine: () => '\n',
    });
  }

  it('type-checks consumers against the .d.ts/.d.cts with moduleResolution node16 (ESM and CommonJS), bundler and node10', () => {
    mkdirSync(join(dir, 'ts'), { recursive: true });
    writeFileSync(join(dir, 'ts/package.json'), '{ "type": "module" }');
    const mts = join(dir, 'ts/consumer-esm.mts');
    const cts = join(dir, 'ts/consumer-cjs.cts');
    const bundler = join(dir, 'ts/consumer-bundler.ts');
    for (const f of [mts, cts, bundler]) writeFileSync(f, consumer);
    const node16 = { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 };
    expect(typeCheck([mts, cts], { ...node16, target: ts.ScriptTarget.ES2022 })).toBe('');
    expect(
      typeCheck([bundler], {
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        target: ts.ScriptTarget.ES2022,
      }),
    ).toBe('');
    // /tabular is Node-only: its declarations use Node's types, as its consumers have them.
    const tabular = join(dir, 'ts/consumer-tabular.mts');
    writeFileSync(
      tabular,
      `import { CsvParser, type CsvRecord, readZipEntry } from '@credcheck/sdk/tabular';
const rows: CsvRecord[] = new CsvParser({ delimiter: ',' }).push('a,b\\n');
export const first: string[] | undefined = rows[0]?.fields;
export const chunks: AsyncGenerator<Buffer> = readZipEntry('x.xlsx', { name: 'x', method: 8, compressedSize: 0, size: 0, localHeaderOffset: 0 });
// @ts-expect-error a record is not a string
export const wrong: string = rows[0];
`,
    );
    expect(
      typeCheck([tabular], {
        ...node16,
        target: ts.ScriptTarget.ES2022,
        types: ['node'],
        typeRoots: [join(repoModules, '@types')],
      }),
    ).toBe('');
    // TypeScript's old resolution ignores "exports": typesVersions maps the subpaths.
    expect(
      typeCheck([bundler], {
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        target: ts.ScriptTarget.ES2022,
      }),
    ).toBe('');
  });
});
