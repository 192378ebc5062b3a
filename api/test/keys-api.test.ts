import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/auth/api-key.ts';
import { bothStores } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/**
 * /v1/keys on both stores: admin only, the key shown once and never listed, the department rules
 * of `credcheck keys`, audit records by the calling key, and a revoked key refused at once by the
 * running app although its lookup was cached.
 */

const factories = await bothStores('keys API tests');

describe.each(factories)('$name store: /v1/keys', (factory) => {
  const suite = factory.skip ? describe.skip : describe;
  suite('', () => {
    let t: TestApp;
    let admin = '';
    let adminId = '';

    const call = async (method: string, path: string, key: string | null, body?: unknown) => {
      const res = await t.app.request(path, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(key ? { authorization: `Bearer ${key}` } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
    };
    const audit = async () => t.db.store.readAudit(0, 10_000);

    beforeAll(async () => {
      t = await openTestApp(factory);
      admin = await t.key('admin');
      adminId = (await t.db.store.findApiKeyByHash(hashApiKey(admin)))!.id;
    });
    afterAll(async () => {
      await t?.close();
    });

    it('an admin creates a key: shown once in the 201, working at once, listed without key or hash, audited', async () => {
      const res = await call('POST', '/v1/keys', admin, {
        role: 'designator',
        department: '重庆市云阳县人民法院',
        label: '法院执行局',
      });
      expect(res.status).toBe(201);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.body).toMatchObject({
        role: 'designator',
        department: '重庆市云阳县人民法院',
        label: '法院执行局',
        rateLimit: null,
        revokedAt: null,
      });
      expect(res.body.id).toMatch(/^key_[0-9a-f]{20}$/);
      expect(res.body.key).toMatch(/^cck_/);
      expect(res.body.hint).toBe(`${res.body.key.slice(0, 8)}…`);
      expect(res.body).not.toHaveProperty('hash');

      const used = await call('GET', '/v1/entries?limit=1', res.body.key);
      expect(used.status).toBe(200);

      const listed = await call('GET', '/v1/keys', admin);
      expect(listed.status).toBe(200);
      const mine = listed.body.items.find((k: { id: string }) => k.id === res.body.id);
      const { key: _key, notice: _notice, ...shown } = res.body;
      expect(mine).toEqual(shown);
      expect(Object.keys(mine).sort()).toEqual(
        ['createdAt', 'department', 'hint', 'id', 'label', 'rateLimit', 'revokedAt', 'role'].sort(),
      );
      expect(JSON.stringify(listed.body)).not.toContain(res.body.key);
      expect(JSON.stringify(listed.body)).not.toContain(hashApiKey(res.body.key));

      const created = (await audit()).filter((r) => r.action === 'key.created' && r.target === res.body.id);
      expect(created).toHaveLength(1);
      expect(created[0]!.actor).toBe(adminId);
      expect(created[0]!.detail).not.toContain(res.body.key);
    });

    it('department rules as the CLI has them; bad bodies are 400 problems naming the field', async () => {
      const cases: Array<[unknown, string]> = [
        [{ role: 'designator', label: 'x' }, 'json.department'],
        [{ role: 'admin', label: 'x', department: 'dept' }, 'json.department'],
        [{ role: 'public', label: 'x', department: 'dept' }, 'json.department'],
        [{ role: 'root', label: 'x' }, 'json.role'],
        [{ role: 'implementer', label: '  ' }, 'json.label'],
        [{ role: 'implementer', label: 'x', rateLimit: -1 }, 'json.rateLimit'],
        [{ role: 'implementer', label: 'x', hash: 'a'.repeat(64) }, 'json'],
      ];
      for (const [body, field] of cases) {
        const res = await call('POST', '/v1/keys', admin, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.body.errors.map((e: { field: string }) => e.field).join(' ')).toContain(field);
      }
      const implementer = await call('POST', '/v1/keys', admin, {
        role: 'implementer',
        label: '交易中心',
        department: '某市公共资源交易中心',
        rateLimit: 0,
      });
      expect(implementer.status).toBe(201);
      expect(implementer.body).toMatchObject({ department: '某市公共资源交易中心', rateLimit: 0 });
    });

    it('only admins: designator, implementer and public callers get 403 on all three routes', async () => {
      const designator = await t.key('designator', 'dept-0');
      const implementer = await t.key('implementer');
      const someId = 'key_00000000000000000000';
      for (const key of [designator, implementer, null]) {
        expect((await call('GET', '/v1/keys', key)).status).toBe(403);
        expect((await call('POST', '/v1/keys', key, { role: 'admin', label: 'me' })).status).toBe(403);
        expect((await call('POST', `/v1/keys/${someId}/revoke`, key)).status).toBe(403);
      }
      const keys = await t.db.store.listApiKeys();
      expect(keys.some((k) => k.label === 'me')).toBe(false);
    });

    it('revocation takes effect on the very next request, though the key was cached; audited by the admin', async () => {
      const made = await call('POST', '/v1/keys', admin, {
        role: 'designator',
        department: 'dept-9',
        label: 'to revoke',
      });
      expect((await call('GET', '/v1/entries', made.body.key)).status).toBe(200);
      const res = await call('POST', `/v1/keys/${made.body.id}/revoke`, admin);
      expect(res.status).toBe(200);
      expect(res.body.id).toBe(made.body.id);
      expect(res.body.revokedAt).toEqual(expect.any(String));
      const refused = await call('GET', '/v1/entries', made.body.key);
      expect(refused.status).toBe(401);

      const revoked = (await audit()).filter((r) => r.action === 'key.revoked' && r.target === made.body.id);
      expect(revoked).toHaveLength(1);
      expect(revoked[0]!.actor).toBe(adminId);

      const again = await call('POST', `/v1/keys/${made.body.id}/revoke`, admin);
      expect(again.status).toBe(200);
      expect(again.body.revokedAt).toBe(res.body.revokedAt);
      expect(
        (await audit()).filter((r) => r.action === 'key.revoked' && r.target === made.body.id),
      ).toHaveLength(1);

      const listed = await call('GET', '/v1/keys', admin);
      expect(listed.body.items.find((k: { id: string }) => k.id === made.body.id).revokedAt).toBe(
        res.body.revokedAt,
      );
    });

    it('an unknown key id is 404, a malformed one 400 (problem+json)', async () => {
      const unknown = await call('POST', '/v1/keys/key_ffffffffffffffffffff/revoke', admin);
      expect(unknown.status).toBe(404);
      expect(unknown.body.type).toBe('/problems/not-found');
      const malformed = await call('POST', '/v1/keys/nope/revoke', admin);
      expect(malformed.status).toBe(400);
      expect(malformed.body.type).toBe('/problems/validation-failed');
    });
  });
});
