import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Served by the API at /console/ on the same origin: no proxy in production, and in dev the
// /v1 calls go to a local API (CREDCHECK_API, default port 8787).
export default defineConfig({
  base: '/console/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Inlined assets would need a data: or inline allowance in the CSP; keep every asset a file.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: { '/v1': process.env.CREDCHECK_API ?? 'http://127.0.0.1:8787' },
  },
});
