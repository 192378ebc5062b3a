import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { etagMatches, WEB_COMPONENT_PATH, webSdkRoutes } from '../src/routes/web-sdk.ts';

const shipped = readFileSync(new URL('../../sdk/web/credcheck-check.js', import.meta.url), 'utf8');

describe('GET /sdk/credcheck-check.js', () => {
  const app = webSdkRoutes();

  it('serves the file the sdk package ships, cacheable and embeddable from any page', async () => {
    const res = await app.request(WEB_COMPONENT_PATH);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=86400/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(await res.text()).toBe(shipped);
  });

  it('answers a revalidation with 304 and no body, and a stale ETag with the script', async () => {
    const etag = (await app.request(WEB_COMPONENT_PATH)).headers.get('etag')!;
    const same = await app.request(WEB_COMPONENT_PATH, { headers: { 'if-none-match': `W/${etag}, "x"` } });
    expect(same.status).toBe(304);
    expect(await same.text()).toBe('');
    expect(same.headers.get('etag')).toBe(etag);
    const stale = await app.request(WEB_COMPONENT_PATH, { headers: { 'if-none-match': '"old"' } });
    expect(stale.status).toBe(200);
  });

  it('compares ETags weakly, as RFC 9110 asks for GET', () => {
    expect(etagMatches(undefined, '"a"')).toBe(false);
    expect(etagMatches('*', '"a"')).toBe(true);
    expect(etagMatches('"b", W/"a"', '"a"')).toBe(true);
    expect(etagMatches('"b"', '"a"')).toBe(false);
  });
});
