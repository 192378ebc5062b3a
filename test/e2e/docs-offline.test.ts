import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { chromiumAvailable, launchBrowser } from '../helpers/browser.ts';

// In CI chromium is installed by .ci/run: a missing browser must fail there, not skip.
const run = chromiumAvailable() || process.env.CI ? describe : describe.skip;

run('a real API process: first start seeds the demo data, docs work with no network', () => {
  let api: ApiProcess;
  beforeAll(async () => {
    api = await startApiProcess();
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
  });

  it('seeds the demo data on first start and answers lookups', async () => {
    expect(api.output()).toMatch(/demo data seeded: \d+ entries/);
    const health = await (await fetch(`${api.url}/healthz`)).json();
    expect(health.entries).toBeGreaterThan(1000);
    const res = await fetch(`${api.url}/v1/subjects/not-a-code`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });

  it('renders /docs in Chromium without a single request leaving this machine', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'credcheck-chromium-'));
    const context = await launchBrowser(profile);
    const outside: string[] = [];
    try {
      const page = await context.newPage();
      page.on('request', (r) => {
        const u = new URL(r.url());
        if (!['127.0.0.1', 'localhost'].includes(u.hostname) && u.protocol.startsWith('http'))
          outside.push(r.url());
      });
      await page.goto(`${api.url}/docs`, { waitUntil: 'networkidle' });
      await page.getByRole('heading', { name: 'CredCheck API' }).first().waitFor({ timeout: 30_000 });
      await page.getByText('Lookups').first().waitFor();
      const shots = join(process.cwd(), 'test', 'bench', 'out');
      mkdirSync(shots, { recursive: true });
      await page.screenshot({ path: join(shots, 'docs.png') });
      expect(outside).toEqual([]);
    } finally {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    }
  });
});
