import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookCreatedSchema, WebhookSchema } from '../src/webhooks/schemas.ts';
import { usccFor } from './helpers/records.ts';
import {
  PG_TEST_URL,
  postgresFactory,
  probePostgres,
  sqliteFactory,
  type TestStore,
} from './helpers/store-factory.ts';
import { issueKey, openWebhookApp, prepareWebhookStore, type WebhookApp } from './helpers/webhook-app.ts';

/** /v1/webhooks: who may subscribe, what a subscription accepts, and that each key sees only its own. */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;

const HOOK = 'http://127.0.0.1:9/hook';

for (const factory of [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL), skip: skipPostgres },
]) {
  describe.skipIf(factory.skip)(`webhook subscriptions API (${factory.name})`, () => {
    let db: TestStore;
    let w: WebhookApp;
    let bank: { key: string; id: string };
    let other: { key: string; id: string };
    let admin: { key: string; id: string };
    let designator: { key: string; id: string };

    const call = (method: string, path: string, key: string | null, body?: unknown, headers = {}) =>
      w.app.request(path, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    const create = async (key: string, body: Record<string, unknown> = {}) => {
      const res = await call('POST', '/v1/webhooks', key, { url: HOOK, ...body });
      expect(res.status, await res.clone().text()).toBe(201);
      return WebhookCreatedSchema.parse(await res.json());
    };

    beforeAll(async () => {
      db = await factory.create();
      w = await openWebhookApp(db.store, await prepareWebhookStore(db.store));
      bank = await issueKey(db.store, 'implementer');
      other = await issueKey(db.store, 'implementer');
      admin = await issueKey(db.store, 'admin');
      designator = await issueKey(db.store, 'designator');
    });
    afterAll(async () => {
      await w?.runtime.stop();
      await db?.dispose();
    });

    it('implementer and admin keys subscribe; no key and a designator key may not', async () => {
      expect((await call('POST', '/v1/webhooks', null, { url: HOOK })).status).toBe(403);
      const refused = await call('POST', '/v1/webhooks', designator.key, { url: HOOK });
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ permission: 'subscribe', role: 'designator' });
      await create(bank.key);
      await create(admin.key);
    });

    it('shows the signing secret once, and never again', async () => {
      const created = await create(bank.key, { description: '贷后预警' });
      expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
      expect(created).toMatchObject({ url: HOOK, status: 'active', listTypes: null, watchListSize: null });
      const res = await call('GET', `/v1/webhooks/${created.id}`, bank.key);
      expect(res.status).toBe(200);
      const shown = await res.json();
      expect(WebhookSchema.strict().parse(shown)).toEqual(WebhookSchema.parse(created));
      expect(JSON.stringify(shown)).not.toContain('whsec_');
      const list = await (await call('GET', '/v1/webhooks', bank.key)).json();
      expect(JSON.stringify(list)).not.toContain('whsec_');
    });

    it('another key cannot see, change, delete or read the deliveries of a subscription (404)', async () => {
      const mine = await create(bank.key);
      for (const key of [other.key, admin.key]) {
        for (const [method, path, body] of [
          ['GET', `/v1/webhooks/${mine.id}`],
          ['PATCH', `/v1/webhooks/${mine.id}`, { status: 'paused' }],
          ['PUT', `/v1/webhooks/${mine.id}/watch-list`, { codes: [usccFor(1)] }],
          ['DELETE', `/v1/webhooks/${mine.id}/watch-list`],
          ['GET', `/v1/webhooks/${mine.id}/deliveries`],
          ['DELETE', `/v1/webhooks/${mine.id}`],
        ] as const) {
          const res = await call(method, path, key, body);
          expect(res.status, `${method} ${path}`).toBe(404);
          expect((await res.json()).type).toBe('/problems/not-found');
        }
        const listed = await (await call('GET', '/v1/webhooks', key)).json();
        expect(listed.items.map((s: { id: string }) => s.id)).not.toContain(mine.id);
      }
      expect((await call('GET', `/v1/webhooks/${mine.id}`, bank.key)).status).toBe(200);
    });

    it('accepts https anywhere and http only on this machine; refuses credentials and fragments', async () => {
      await create(bank.key, { url: 'https://loans.example-bank.cn/hook?v=1' });
      await create(bank.key, { url: 'http://localhost:8080/hook' });
      for (const url of [
        'http://loans.example-bank.cn/hook',
        'ftp://example.cn/hook',
        'https://user:pw@example.cn/hook',
        'https://example.cn/hook#x',
        'not a url',
      ]) {
        const res = await call('POST', '/v1/webhooks', bank.key, { url });
        expect(res.status, url).toBe(400);
        const problem = await res.json();
        expect(problem.type).toBe('/problems/validation-failed');
        expect(problem.errors[0].field).toBe('body.url');
      }
    });

    it('checks list types against the catalog', async () => {
      const created = await create(bank.key, {
        listTypes: ['major-tax-violation', 'dishonest-judgment-debtor'],
      });
      expect(created.listTypes).toEqual(['dishonest-judgment-debtor', 'major-tax-violation']);
      const res = await call('POST', '/v1/webhooks', bank.key, {
        url: HOOK,
        listTypes: ['major-tax-violation', 'nope'],
      });
      expect(res.status).toBe(400);
      expect((await res.json()).errors).toEqual([
        { field: 'body.listTypes.1', message: expect.stringContaining('nope') },
      ]);
    });

    it('takes a 100,000-code watch list in one PUT, cleaned as lookups clean codes', async () => {
      const s = await create(bank.key, { watchList: [usccFor(1)] });
      expect(s.watchListSize).toBe(1);
      const codes = Array.from({ length: 100_000 }, (_, i) => usccFor(i + 1));
      // Lower case, full width, spaces and dashes are the same code; a repeat counts once.
      codes[0] = ` ${usccFor(1).toLowerCase().slice(0, 6)}-${usccFor(1).slice(6)} `;
      codes[1] = [...usccFor(2)].map((ch) => String.fromCharCode(ch.charCodeAt(0) + 0xfee0)).join('');
      codes[99_999] = usccFor(3);
      const started = performance.now();
      const res = await call('PUT', `/v1/webhooks/${s.id}/watch-list`, bank.key, { codes });
      const ms = performance.now() - started;
      expect(res.status, await res.clone().text()).toBe(200);
      expect((await res.json()).watchListSize).toBe(99_999);
      expect(ms).toBeLessThan(30_000);
      // Removing the filter and setting an empty list.
      expect(
        (await (await call('DELETE', `/v1/webhooks/${s.id}/watch-list`, bank.key)).json()).watchListSize,
      ).toBeNull();
      expect(
        (await (await call('PUT', `/v1/webhooks/${s.id}/watch-list`, bank.key, { codes: [] })).json())
          .watchListSize,
      ).toBe(0);
    });

    it('refuses a watch list with a code that is not well formed, changing nothing', async () => {
      const s = await create(bank.key, { watchList: [usccFor(1), usccFor(2)] });
      const res = await call('PUT', `/v1/webhooks/${s.id}/watch-list`, bank.key, {
        codes: [usccFor(3), 'not-a-code', '12345'],
      });
      expect(res.status).toBe(400);
      const problem = await res.json();
      expect(problem.errors.map((e: { field: string }) => e.field)).toEqual(['body.codes.1', 'body.codes.2']);
      // A mistyped ID number is never echoed.
      expect(JSON.stringify(problem)).not.toContain('12345');
      expect((await (await call('GET', `/v1/webhooks/${s.id}`, bank.key)).json()).watchListSize).toBe(2);
      // A resident ID number is accepted and kept only as its keyed hash.
      const person = '11010519491231002X';
      const ok = await call('PUT', `/v1/webhooks/${s.id}/watch-list`, bank.key, { codes: [person] });
      expect((await ok.json()).watchListSize).toBe(1);
      expect(JSON.stringify(await db.store.readAudit(0, 10_000))).not.toContain(person);
    });

    it('pauses, resumes, edits and deletes; every write is audited under the key', async () => {
      const s = await create(bank.key);
      const patch = (body: unknown) => call('PATCH', `/v1/webhooks/${s.id}`, bank.key, body);
      expect((await (await patch({ status: 'paused' })).json()).status).toBe('paused');
      expect((await (await patch({ status: 'active' })).json()).status).toBe('active');
      const edited = await (await patch({ listTypes: ['major-tax-violation'], description: null })).json();
      expect(edited).toMatchObject({ listTypes: ['major-tax-violation'], description: null });
      expect((await patch({})).status).toBe(400);
      expect((await patch({ url: 'http://example.cn/x' })).status).toBe(400);
      expect((await patch({ secret: 'x' })).status).toBe(400);
      expect((await call('DELETE', `/v1/webhooks/${s.id}`, bank.key)).status).toBe(204);
      expect((await call('GET', `/v1/webhooks/${s.id}`, bank.key)).status).toBe(404);
      const audit = (await db.store.readAudit(0, 10_000)).filter((r) => r.target === s.id);
      expect(audit.map((r) => [r.action, r.actor])).toEqual([
        ['webhook.created', bank.id],
        ['webhook.paused', bank.id],
        ['webhook.resumed', bank.id],
        ['webhook.updated', bank.id],
        ['webhook.deleted', bank.id],
      ]);
    });

    it('a repeated create with the same Idempotency-Key returns the first subscription', async () => {
      const send = () =>
        call('POST', '/v1/webhooks', bank.key, { url: HOOK }, { 'idempotency-key': 'portfolio-hook-1' });
      const first = await send();
      const again = await send();
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect((await again.json()).id).toBe((await first.json()).id);
    });

    it('pages the list of subscriptions and refuses unknown fields', async () => {
      const all = (await (await call('GET', '/v1/webhooks', bank.key)).json()).items;
      expect(all.length).toBeGreaterThan(3);
      const first = await (await call('GET', '/v1/webhooks?limit=2', bank.key)).json();
      expect(first.items).toEqual(all.slice(0, 2));
      const second = await (
        await call('GET', `/v1/webhooks?limit=2&cursor=${first.nextCursor}`, bank.key)
      ).json();
      expect(second.items).toEqual(all.slice(2, 4));
      expect((await call('POST', '/v1/webhooks', bank.key, { url: HOOK, events: ['*'] })).status).toBe(400);
    });
  });
}
