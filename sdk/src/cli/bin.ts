#!/usr/bin/env node
// The `credcheck` bin of the published package (built to cli/bin.js); the workspace runs it
// through tsx from sdk/bin/credcheck.js. No top-level await: the ESM build targets es2020.
import { main } from './main.ts';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
