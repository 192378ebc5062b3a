import { maskIdPublic } from '@credcheck/sdk/mask';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangesPageSchema } from '../src/routes/changes.ts';
import { orgRecord, personRecord } from './helpers/records.ts';
import { PG_TEST_URL, postgresFactory, probePostgres, sqliteFactory } from './helpers/store-factory.ts';
import { openTestApp, type TestApp } from './helpers/test-app.ts';

/** GET /v1/changes (paged, cacheable) and /v1/changes/stream (SSE), on both stores. */

const probe = await probePostgres(PG_TEST_URL);
const skipPostgres = !probe.ok && !process.env.CI;

type Page = ReturnType<typeof ChangesPageSchema.parse>;

for (const factory of [
  { ...sqliteFactory(), skip: false },
  { ...postgresFactory(PG_TEST_URL), skip: skipPostgres },
]) {
  describe.skipIf(factory.skip)(`change feed (${factory.name})`, () => {
    let t: TestApp;
    let staffKey: string;
    const get = (path: string, headers: Record<string, string> = {}) => t.app.request(path, { headers });

    beforeAll(async () => {
      // Two orgs and one person: each record logs a subject change and an entry change.
      t = await openTestApp(factory, { records: [orgRecord(1), orgRecord(2), personRecord(3)] });
      staffKey = await t.key('implementer');
    });
    afterAll(() => t.close());

    it('pages through every change in seq order; a full page is immutable, the tail revalidates', async () => {
      const seen: number[] = [];
      let since = 0;
      let pages = 0;
      for (;;) {
        const res = await get(`/v1/changes?since=${since}&limit=2`);
        expect(res.status).toBe(200);
        const page: Page = ChangesPageSchema.parse(await res.json());
        pages++;
        seen.push(...page.changes.map((c) => c.seq));
        if (page.hasMore) {
          expect(page.changes).toHaveLength(2);
          expect(res.headers.get('cache-control')).toContain('immutable');
        } else {
          expect(res.headers.get('cache-control')).toBe('no-cache');
          const etag = res.headers.get('etag')!;
          expect((await get(`/v1/changes?since=${since}&limit=2`, { 'if-none-match': etag })).status).toBe(
            304,
          );
          break;
        }
        since = page.next;
      }
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBeGreaterThanOrEqual(6);
      expect(pages).toBe(Math.ceil(seen.length / 2) + (seen.length % 2 === 0 ? 1 : 0));
    });

    it('shows subjects as lookups do: a person’s name masked, the ID number masked for the role', async () => {
      const person = personRecord(3).subject;
      for (const [headers, idMask] of [
        [{}, maskIdPublic(person.idMasked!)],
        [{ authorization: `Bearer ${staffKey}` }, person.idMasked],
      ] as const) {
        const page: Page = await (await get('/v1/changes?since=0&limit=1000', headers)).json();
        const change = page.changes.find(
          (c) => c.type === 'subject.upserted' && c.subjectKey === person.key,
        )!;
        const data = change.data as Record<string, unknown>;
        const text = JSON.stringify(change);
        expect(text).not.toContain(person.name);
        expect(data).not.toHaveProperty('normName');
        expect(data).not.toHaveProperty('legalRepKey');
        expect(data.idMasked).toBe(idMask);
      }
    });

    it('rejects bad paging with a problem document', async () => {
      for (const q of ['since=-1', 'limit=0', 'limit=5000', 'since=abc', 'cursor=1']) {
        const res = await get(`/v1/changes?${q}`);
        expect(res.status, q).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
      }
    });

    it('streams the backlog, then new changes as they are applied, and resumes from Last-Event-ID', async () => {
      const before: Page = await (await get('/v1/changes?since=0&limit=1000')).json();
      const last = before.next;
      const controller = new AbortController();
      const res = await t.app.request(`/v1/changes/stream?since=${last - 2}`, { signal: controller.signal });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      const events = readEvents(res.body!);
      const first = await events.next(2);
      expect(first.map((e) => Number(e.id))).toEqual([last - 1, last]);

      const started = performance.now();
      await t.importMore([orgRecord(40)]);
      const live = await events.next(2);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(live.map((e) => e.event)).toEqual(['change', 'change']);
      expect(JSON.parse(live[0]!.data).subjectKey).toBe(orgRecord(40).subject.key);
      controller.abort();

      const resumed = await t.app.request('/v1/changes/stream', {
        headers: { 'last-event-id': String(last) },
      });
      const again = readEvents(resumed.body!);
      expect((await again.next(2)).map((e) => Number(e.id))).toEqual([last + 1, last + 2]);
      await again.cancel();
    });
  });
}

interface SseEvent {
  id: string;
  event: string;
  data: string;
}

/** A minimal SSE reader: enough to assert what the server sent, in order. */
function readEvents(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const queue: SseEvent[] = [];
  return {
    cancel: () => reader.cancel(),
    async next(n: number): Promise<SseEvent[]> {
      while (queue.length < n) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        buffer += decoder.decode(value, { stream: true });
        let cut = buffer.indexOf('\n\n');
        while (cut !== -1) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const e: SseEvent = { id: '', event: 'message', data: '' };
          for (const line of block.split('\n')) {
            const [field, ...rest] = line.split(':');
            const value = rest.join(':').replace(/^ /, '');
            if (field === 'id') e.id = value;
            else if (field === 'event') e.event = value;
            else if (field === 'data') e.data += value;
          }
          if (e.data) queue.push(e);
          cut = buffer.indexOf('\n\n');
        }
      }
      return queue.splice(0, n);
    },
  };
}
