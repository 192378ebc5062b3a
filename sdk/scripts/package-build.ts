// Builds the published shape of @credcheck/sdk: ESM (.js) and CommonJS (.cjs) with declarations
// (.d.ts / .d.cts) for the public entry points, plus a package.json whose "exports" map has
// import/require/types conditions, and the `credcheck` bin (ESM only). The workspace itself keeps exporting the TypeScript sources
// (sdk/package.json), so the monorepo, tsx and vitest never need a build; the package is
// published from the output folder (`npm publish sdk/dist`).
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import ts from 'typescript';

const sdkDir = fileURLToPath(new URL('..', import.meta.url));
const srcDir = join(sdkDir, 'src');

/** Public subpath → source entry under src/. */
export const ENTRIES: Record<string, string> = {
  '.': 'index.ts',
  './identifiers': 'identifiers/index.ts',
  './names': 'names/index.ts',
  './mask': 'mask/index.ts',
  './snapshot': 'snapshot/index.ts',
  './client': 'client/index.ts',
  './tabular': 'tabular/index.ts',
};

/**
 * Entries whose declarations need Node's types (files, streams, zlib). They are emitted by a
 * program of their own, so the browser-safe entries keep being checked without @types/node.
 */
const NODE_ONLY_ENTRIES = ['./tabular'];

/** The `credcheck` bin: ESM only (Node ≥ 18 runs it), sharing the ESM build's modules. */
export const BIN = { name: 'credcheck', entry: 'cli/bin.ts' };

/**
 * ky ships ESM only, which `require()` cannot load before Node 20.19/22.12: the CommonJS build
 * carries it inlined. Only transport.ts imports it, so inlining makes no second copy. opencc-js
 * ships its own CommonJS build.
 */
const INLINED_IN_CJS = ['ky'];
const TARGET = 'es2020';

export interface BuildReport {
  outDir: string;
  files: number;
  jsMs: number;
  typesMs: number;
}

export async function buildSdk(outDir: string): Promise<BuildReport> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const entryPoints = Object.values(ENTRIES).map((e) => join(srcDir, e));

  const t0 = performance.now();
  const modules = await reachableModules(entryPoints);
  const esmModules = await reachableModules([...entryPoints, join(srcDir, BIN.entry)]);
  const common = {
    outbase: srcDir,
    outdir: outDir,
    bundle: true,
    platform: 'neutral' as const,
    mainFields: ['module', 'main'],
    target: TARGET,
    logLevel: 'silent' as const,
  };
  // One output file per source module (relative imports stay imports), so that both builds keep
  // one instance of every module and class: `instanceof SnapshotError` holds across subpaths.
  await Promise.all([
    build({
      ...common,
      entryPoints: esmModules,
      format: 'esm',
      packages: 'external',
      plugins: [keepRelative('.js')],
    }),
    build({
      ...common,
      entryPoints: modules,
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      external: ['node:*', ...dependencyNames().filter((d) => !INLINED_IN_CJS.includes(d))],
      plugins: [keepRelative('.cjs')],
    }),
  ]);
  chmodSync(join(outDir, binPath()), 0o755);
  const jsMs = performance.now() - t0;

  const t1 = performance.now();
  const entryFor = (subpaths: string[]) => subpaths.map((s) => join(srcDir, ENTRIES[s]!));
  const subpaths = Object.keys(ENTRIES);
  emitDeclarations(entryFor(subpaths.filter((s) => !NODE_ONLY_ENTRIES.includes(s))), outDir, []);
  emitDeclarations(entryFor(NODE_ONLY_ENTRIES), outDir, ['node']);
  const typesMs = performance.now() - t1;

  copyFileSync(join(sdkDir, 'README.md'), join(outDir, 'README.md'));
  mkdirSync(join(outDir, 'web'), { recursive: true });
  copyFileSync(join(sdkDir, 'web/credcheck-check.js'), join(outDir, 'web/credcheck-check.js'));
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(publishManifest(), null, 2)}\n`);
  return { outDir, files: modules.length, jsMs, typesMs };
}

/** The source modules the entries reach, found by a bundling pass that writes nothing. */
async function reachableModules(entryPoints: string[]): Promise<string[]> {
  const res = await build({
    entryPoints,
    bundle: true,
    write: false,
    metafile: true,
    packages: 'external',
    platform: 'neutral',
    outdir: '/out',
    logLevel: 'silent',
  });
  const cwd = process.cwd();
  return Object.keys(res.metafile.inputs)
    .map((p) => join(cwd, p))
    .filter((p) => p.startsWith(srcDir) && p.endsWith('.ts') && !p.endsWith('.d.ts'));
}

/** Our relative imports stay imports, with the extension of the build they belong to. */
function keepRelative(ext: string): Plugin {
  return {
    name: 'keep-relative',
    setup(b) {
      // Only our own modules: the relative imports inside an inlined dependency are bundled.
      b.onResolve({ filter: /^\.\.?\// }, (args) =>
        args.kind === 'entry-point' || !args.importer.startsWith(srcDir)
          ? undefined
          : { path: args.path.replace(/\.ts$/, ext), external: true },
      );
    },
  };
}

/** tsc --emitDeclarationOnly, each file written twice: .d.ts for import and .d.cts for require. */
function emitDeclarations(entryPoints: string[], outDir: string, types: string[]): void {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noUncheckedIndexedAccess: true,
    allowImportingTsExtensions: true,
    rewriteRelativeImportExtensions: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    // No @types/node but for the Node-only entries: the others must not lean on Node's types.
    types,
    declaration: true,
    emitDeclarationOnly: true,
    rootDir: srcDir,
    outDir,
  };
  const program = ts.createProgram(entryPoints, options);
  const errors = ts.getPreEmitDiagnostics(program);
  if (errors.length) {
    const host: ts.FormatDiagnosticsHost = {
      getCanonicalFileName: (f) => f,
      getCurrentDirectory: () => sdkDir,
      getNewLine: () => '\n',
    };
    throw new Error(ts.formatDiagnostics(errors, host));
  }
  program.emit(undefined, (file, text) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, withExtension(text, '.js'));
    writeFileSync(file.replace(/\.d\.ts$/, '.d.cts'), withExtension(text, '.cjs'));
  });
  // The generated API types are a declaration file already: shipped as they are, twice.
  const schema = readFileSync(join(srcDir, 'schema.d.ts'), 'utf8');
  writeFileSync(join(outDir, 'schema.d.ts'), schema);
  writeFileSync(join(outDir, 'schema.d.cts'), schema);
}

/**
 * `'./x.ts'` and `'../schema.d.ts'` in emitted declarations → `'./x.js'` / `'./x.cjs'`. In the
 * CommonJS declarations, types from an ESM-only dependency are imported with resolution-mode
 * `import`, or TypeScript refuses to let a CommonJS file import them (TS1479).
 */
function withExtension(text: string, ext: string): string {
  let out = text.replace(
    /(['"])(\.\.?\/[^'"]*?)(?:\.d)?\.ts\1/g,
    (_, q: string, p: string) => `${q}${p}${ext}${q}`,
  );
  if (ext === '.cjs')
    out = out.replace(
      new RegExp(`^import (?:type )?\\{([^}]*)\\} from '(${INLINED_IN_CJS.join('|')})';$`, 'gm'),
      (_, names: string, p: string) =>
        `import type {${names.replace(/\btype /g, '')}} from '${p}' with { 'resolution-mode': 'import' };`,
    );
  return out;
}

function sdkManifest(): {
  name: string;
  version: string;
  description: string;
  engines: Record<string, string>;
  dependencies: Record<string, string>;
} {
  return JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8'));
}

/** The built bin, relative to the package root. */
function binPath(): string {
  return BIN.entry.replace(/\.ts$/, '.js');
}

function dependencyNames(): string[] {
  return Object.keys(sdkManifest().dependencies).flatMap((d) => [d, `${d}/*`]);
}

/** The package.json published with the build: conditional exports, and typesVersions for node10 resolution. */
export function publishManifest(): Record<string, unknown> {
  const src = sdkManifest();
  const exports: Record<string, unknown> = {};
  const typesVersions: Record<string, string[]> = {};
  for (const [subpath, entry] of Object.entries(ENTRIES)) {
    const base = `./${entry.replace(/\.ts$/, '')}`;
    exports[subpath] = {
      import: { types: `${base}.d.ts`, default: `${base}.js` },
      require: { types: `${base}.d.cts`, default: `${base}.cjs` },
    };
    if (subpath !== '.') typesVersions[subpath.slice(2)] = [`${base}.d.ts`];
  }
  exports['./web/credcheck-check.js'] = './web/credcheck-check.js';
  exports['./package.json'] = './package.json';
  return {
    name: src.name,
    version: src.version,
    description: src.description,
    type: 'module',
    main: './index.cjs',
    module: './index.js',
    types: './index.d.ts',
    bin: { [BIN.name]: `./${binPath()}` },
    exports,
    typesVersions: { '*': typesVersions },
    sideEffects: ['./web/*', `./${binPath()}`],
    // Node 18 has no global Web Crypto: callers pass node:crypto's as the `crypto` option (the
    // bin does so itself). sdk/test/node18.test.ts runs the build on a real Node 18.
    engines: sdkManifest().engines,
    dependencies: src.dependencies,
  };
}

/** Relative path for log lines. */
export function shown(p: string): string {
  return relative(process.cwd(), p) || '.';
}
