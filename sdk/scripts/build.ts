// `npm run build -w sdk` (or `npm run sdk:build`): writes the publishable package to sdk/dist,
// or to the folder given as the first argument. Publish it with `npm publish sdk/dist`.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSdk, shown } from './package-build.ts';

const outDir = process.argv[2]
  ? resolve(process.argv[2])
  : fileURLToPath(new URL('../dist', import.meta.url));
const r = await buildSdk(outDir);
console.log(
  `built ${shown(r.outDir)}: ${r.files} modules as ESM + CJS in ${Math.round(r.jsMs)} ms, declarations in ${Math.round(r.typesMs)} ms`,
);
