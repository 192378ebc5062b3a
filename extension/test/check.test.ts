// @vitest-environment node
// The background is a service worker: no DOM, and Node's own fetch and URL as in a worker.
import { buildSnapshot } from '@credcheck/sdk/snapshot';
import { IDBFactory } from 'fake-indexeddb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ApiClient } from '../src/background/api-client.ts';
import { type Background, startBackground } from '../src/background/background.ts';
import { runCheck } from '../src/background/check.ts';
import { Records } from '../src/background/records.ts';
import type { CheckResponse } from '../src/messages.ts';
import { installHostApis } from './helpers/browser-apis.ts';
import { type FaultyProxy, startFaultyProxy } from './helpers/faulty-proxy.ts';
import { ADMIN_KEY, type ListedApi, startListedApi } from './helpers/listed-api.ts';

const PORTAL = 'https://portal.example.gov.cn/*';
const PAGE = 'https://portal.example.gov.cn/notice/2026-0042.html';
const SCENARIO = 'gov-procurement';
const nodeFetch: typeof fetch = (...args) => fetch(...args);

describe('check: the local snapshot first, then the API', () => {
  let api: ListedApi;
  let proxy: FaultyProxy;
  let bg: Background;
  const pageSender = () => ({ id: fakeBrowser.runtime.id, url: PAGE, tab: { id: 7, url: PAGE } }) as never;
  const check = (codes: string[], names: string[] = [], ids: string[] = []) =>
    bg.handle(
      { type: 'check', codes, ids, names: names.map((text) => ({ text })) },
      pageSender(),
    ) as Promise<CheckResponse>;

  beforeAll(async () => {
    api = await startListedApi(3);
    proxy = await startFaultyProxy(api.url);
    await api.waitForVersionAfter(-1);
  }, 120_000);

  afterAll(async () => {
    await proxy?.stop();
    await api?.stop();
  });

  beforeEach(async () => {
    fakeBrowser.reset();
    const host = installHostApis();
    host.granted.add(PORTAL);
    proxy.fault = 'none';
    await fakeBrowser.storage.local.set({
      settings: { apiUrl: proxy.url, apiKey: ADMIN_KEY, portals: [{ pattern: PORTAL, scenario: SCENARIO }] },
    });
    bg = startBackground({ fetch: nodeFetch, indexedDB: new IDBFactory() });
    await bg.ready;
    expect((await bg.sync()).lastError).toBeNull();
    proxy.requests.length = 0;
  });

  afterEach(() => bg.stop());

  it('finds a listed name inside a run of prose and confirms it with the API', async () => {
    const [black] = api.rows;
    const text = `第一中标候选人${black!.name}`;
    const res = await check([], [text, '某某无关科技有限公司']);
    expect(res.offline).toBe(false);
    expect(res.names).toHaveLength(1);
    const hit = res.names[0]!;
    expect(hit).toMatchObject({ kind: 'name', run: 0, name: black!.name, status: 'black', confirmed: true });
    expect(text.slice(hit.start, hit.end)).toBe(black!.name);
    expect(hit.code).toBe(black!.code);
    expect(hit.card?.displayCode).toBe(black!.code);
    expect(hit.card?.entries[0]).toMatchObject({
      listType: 'gov-procurement-serious-violation',
      kind: 'black',
      designator: '某某市人民政府',
      basis: '（2025）测1号',
      reason: '测试用名单条目',
      decidedOn: '2025-03-01',
    });
    expect(hit.card?.entries[0]?.listTypeName).toBeTruthy();
    // The portal's scenario decides which measures the card lists.
    expect(hit.card?.measures.length).toBeGreaterThan(0);
    expect(hit.card?.objectionUrl).toBe(`${proxy.url}/docs#tag/objections`);
  });

  it('maps offsets back to the original text through spaces and trailing punctuation', async () => {
    const [, , red] = api.rows;
    // Spaces between the characters (a justified table cell) and a full stop after the name.
    const text = `投标人：${[...red!.name].join(' ')}。`;
    const res = await check([], [text]);
    const hit = res.names.find((n) => n.run === 0)!;
    expect(hit.status).toBe('red');
    expect(text.slice(hit.start, hit.end)).toBe([...red!.name].join(' '));
  });

  it('flags a branch of a listed organization as related', async () => {
    const [, parent] = api.rows;
    const text = `联合体成员${parent!.name}北京分公司`;
    const res = await check([], [text]);
    const hit = res.names[0]!;
    expect(hit.status).toBe('related');
    expect(hit.parent).toBe(parent!.name);
    expect(hit.name).toBe(`${parent!.name}北京分公司`);
    expect(text.slice(hit.start, hit.end)).toBe(`${parent!.name}北京分公司`);
    expect(hit.confirmed).toBe(true);
    expect(hit.code).toBeUndefined();
    expect(hit.card?.displayCode).toBe(parent!.code);
  });

  it('confirms code hits with the API and never sends a local miss', async () => {
    const [black, , red, expired] = api.rows;
    const clean = '91110108MA0U94MT1P';
    const res = await check([clean]);
    expect(res.codes[0]).toMatchObject({ kind: 'code', key: clean, status: 'clean', confirmed: false });
    expect(proxy.requests.filter((r) => r.includes('/v1/subjects'))).toEqual([]);

    const listed = await check([black!.code, red!.code, expired!.code.toLowerCase(), clean]);
    expect(listed.codes.map((c) => c.status)).toEqual(['black', 'red', 'expired', 'clean']);
    expect(listed.codes.map((c) => c.confirmed)).toEqual([true, true, true, false]);
    expect(listed.codes[0]!.card?.entries[0]?.listType).toBe('gov-procurement-serious-violation');
    expect(listed.codes[3]!.card).toBeUndefined();
  });

  it('asks the API about every ID number (persons are never in the snapshot), masked as it answers', async () => {
    const person = api.rows[4]!;
    const res = await check([], [], [person.code]);
    const hit = res.codes[0]!;
    expect(hit).toMatchObject({ kind: 'id', status: 'black', confirmed: true });
    expect(hit.card?.subjectType).toBe('person');
    expect(hit.card?.displayCode).not.toContain(person.code.slice(6, 14));
    expect(hit.card?.displayCode).toMatch(/\*{8}/);
    expect(hit.card?.displayName).not.toBe(person.name);
    expect(proxy.requests.some((r) => r === 'POST /v1/subjects/batch')).toBe(true);
  });

  it('answers from the snapshot alone when the API cannot be reached', async () => {
    const [black] = api.rows;
    const person = api.rows[4]!;
    await proxy.close();
    try {
      const res = await check([black!.code], [`供应商${black!.name}`], [person.code]);
      expect(res.offline).toBe(true);
      expect(res.dataVersion).toBeGreaterThan(0);
      expect(res.codes[0]).toMatchObject({ status: 'black', confirmed: false });
      expect(res.codes[0]!.card).toBeUndefined();
      expect(res.codes[1]).toMatchObject({ kind: 'id', status: 'unknown', confirmed: false });
      expect(res.names[0]).toMatchObject({ status: 'black', confirmed: false, name: black!.name });
    } finally {
      await proxy.reopen();
    }
  });

  it('turns a local hit the API does not know into clean (a hash-prefix false positive)', async () => {
    // A snapshot that lists one name and one code the API has never heard of stands in for a
    // prefix collision, which cannot be made to order.
    const ghostName = '虚构不存在贸易有限公司';
    const ghostCode = '91110108MA0U94MT1P';
    const snapshot = buildSnapshot(
      [
        { kind: 'name', key: ghostName, status: 'black' },
        { kind: 'code', key: ghostCode, status: 'black' },
      ],
      { version: 1 },
    );
    const res = await runCheck(
      { type: 'check', codes: [ghostCode], ids: [], names: [{ text: `投标人${ghostName}` }] },
      {
        snapshot,
        dataVersion: 1,
        api: new ApiClient({ apiUrl: api.url, apiKey: '' }, nodeFetch),
        records: new Records(),
        scenario: SCENARIO,
        locale: 'zh_CN',
      },
    );
    expect(res.codes[0]).toMatchObject({ status: 'clean', confirmed: true });
    expect(res.names[0]).toMatchObject({ status: 'clean', confirmed: true, name: ghostName });
    expect(res.names[0]!.card).toBeUndefined();
  });
});
