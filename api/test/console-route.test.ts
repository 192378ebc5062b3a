import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, consoleRoutes } from '../src/routes/console.ts';
import { sqliteFactory } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/** The web console's static files (/console/) and the caller's identity (/v1/me) it signs in with. */

describe('/console/ static files', () => {
  let root: string;
  let dist: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'credcheck-console-route-'));
    dist = join(root, 'dist');
    mkdirSync(join(dist, 'assets'), { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(dist, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(root, 'secret.txt'), 'outside the build');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const app = (dir: string) => new Hono().route('/', consoleRoutes(dir));

  it('serves hashed assets with their type, cached for a year, under the strict CSP', async () => {
    const js = await app(dist).request('/console/assets/index-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
    const css = await app(dist).request('/console/assets/index-abc123.css');
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
  });

  it('answers any console route with index.html, never cached, and a missing asset with 404', async () => {
    for (const path of ['/console/', '/console/entries/ent_1', '/console/sign-in']) {
      const res = await app(dist).request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<title>console</title>');
    }
    const missing = await app(dist).request('/console/assets/gone-123.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect((await app(dist).request('/console')).headers.get('location')).toBe('/console/');
  });

  it('never serves a file outside the build folder', async () => {
    for (const path of [
      '/console/..%2fsecret.txt',
      '/console/%2e%2e/secret.txt',
      '/console/assets/..%2f..%2fsecret.txt',
    ]) {
      const res = await app(dist).request(path);
      expect(await res.text(), path).not.toContain('outside the build');
    }
  });

  it('explains how to build the console when it is not built (503, not a 500)', async () => {
    const res = await app(join(root, 'not-built')).request('/console/entries');
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('npm run build -w @credcheck/console');
    expect(html).toContain('控制台尚未构建');
  });
});

describe('GET /v1/me', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await openTestApp(sqliteFactory());
  });
  afterAll(() => t.close());

  it('tells a key its role, department and label, never the key', async () => {
    const key = await t.key('designator', '重庆市云阳县人民法院');
    const res = await t.app.request('/v1/me', { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const text = await res.text();
    expect(text).not.toContain(key);
    const me = JSON.parse(text);
    expect(me).toMatchObject({
      role: 'designator',
      department: '重庆市云阳县人民法院',
      label: 'test designator',
    });
    expect(me.permissions).toContain('designate');
    expect(me.permissions).not.toContain('manage-keys');
  });

  it('says public without a key and refuses an unknown one', async () => {
    const anon = await (await t.app.request('/v1/me')).json();
    expect(anon).toEqual({
      role: 'public',
      department: null,
      label: null,
      keyId: null,
      permissions: ['lookup'],
    });
    const bad = await t.app.request('/v1/me', {
      headers: { authorization: 'Bearer cck_not-a-real-key-000000000000' },
    });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});
