#!/usr/bin/env node
// Runs the TypeScript sources directly so the CLI works from a fresh checkout without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
