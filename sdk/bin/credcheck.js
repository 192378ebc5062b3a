#!/usr/bin/env node
// Runs the TypeScript sources directly so the CLI works from a fresh checkout without a build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/bin.ts');
