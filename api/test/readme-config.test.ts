import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARS } from '../src/config.ts';

describe('README configuration table', () => {
  it('lists every environment variable the server reads, with its default', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const [name, fallback] of CONFIG_VARS) {
      expect(readme, name).toMatch(
        new RegExp(`\\| \`${name}\` +\\| ${fallback.replace(/[()*.]/g, '\\$&')} +\\|`),
      );
    }
  });
});
