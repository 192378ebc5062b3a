import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

export default defineConfig({
  // The project root is this folder whichever directory vitest was started from.
  plugins: [WxtVitest({ root: fileURLToPath(new URL('.', import.meta.url)) })],
  test: {
    name: 'extension',
    environment: 'happy-dom',
    include: ['test/**/*.test.ts'],
    env: { TZ: 'UTC' },
  },
});
