import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    env: { TZ: 'UTC' },
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['sdk/test/**/*.test.ts', 'api/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/bench/**'],
        },
      },
      // WXT's fake browser and happy-dom, rooted in the extension so its aliases resolve.
      'extension/vitest.config.ts',
      // The web console's pure modules under happy-dom; its browser test runs in test/e2e.
      'console/vitest.config.ts',
    ],
  },
});
