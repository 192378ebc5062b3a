import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUSCC } from '@credcheck/sdk/identifiers';
import { normalizeName } from '@credcheck/sdk/names';
import { CsvParser } from '@credcheck/sdk/tabular';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverCommands } from '../../api/src/cli/index.ts';
import { DATASET_COLUMNS, type DatasetRow, generateDataset } from '../../api/src/demo/dataset.ts';
import { csvField } from '../../api/src/demo/write-csv.ts';
import { type ApiProcess, startApiProcess } from '../helpers/api-process.ts';
import { chromiumAvailable } from '../helpers/browser.ts';
import { captureIo } from '../helpers/capture-io.ts';
import {
  type Expectation,
  pageProblems,
  readPage,
  settle,
  shadowContent,
} from '../helpers/extension-badges.ts';
import {
  builtExtensionCopy,
  type ExtensionBrowser,
  grantedOrigins,
  registeredScripts,
  startExtensionBrowser,
  storeSettings,
  waitFor,
} from '../helpers/extension-browser.ts';
import {
  buildHardPages,
  type HardPages,
  injectedRow,
  type ListRow,
  subjectStatuses,
} from '../helpers/extension-pages.ts';
import { type PageServer, servePages } from '../helpers/page-server.ts';
import { seededRandom } from '../helpers/seeded-random.ts';

const TODAY = '2026-11-23';
const SCENARIO = 'gov-procurement';
const ADMIN_KEY = 'e2e-admin-key-0123456789abcdef';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// The shared fixtures sit next to the repository on development machines; a clean clone has none.
const FIXTURES = join(ROOT, '..', 'shared', 'fixtures');
const hasFixtures = existsSync(join(FIXTURES, 'expected.json')) && existsSync(join(FIXTURES, 'lists.csv'));
const SCREENSHOT = join(ROOT, 'docs', 'extension-badges.png');

// In CI chromium is installed by .ci/run: a missing browser must fail there, not skip.
const run = chromiumAvailable() || process.env.CI ? describe : describe.skip;

interface ChromeTabs {
  query(q: { url: string }): Promise<{ id?: number }[]>;
  // biome-ignore lint/suspicious/noExplicitAny: the content script's answer, checked by the test
  sendMessage(tabId: number, message: object): Promise<any>;
}

interface SyncState {
  dataVersion: number | null;
  syncedAt: string | null;
  offline: boolean;
  lastError: string | null;
  codes: number;
}

interface FixtureEntry {
  uscc?: string;
  id_number?: string;
  name: string;
  match: 'uscc' | 'name' | 'id_number';
  expected: string;
  display_id?: string;
  phase?: string;
}

function readListRows(file: string): ListRow[] {
  const parser = new CsvParser();
  const records = parser.push(readFileSync(file, 'utf8'));
  parser.end(records);
  const [header, ...rows] = records;
  const col = (n: string) => header!.fields.indexOf(n);
  return rows.map((r) => {
    const f = (n: string) => (col(n) >= 0 ? (r.fields[col(n)] ?? '') : '');
    return {
      uscc: f('uscc'),
      name: f('name'),
      kind: f('kind'),
      decided_on: f('decided_on'),
      valid_until: f('valid_until'),
      subject_type: f('subject_type'),
      status: f('status'),
    };
  });
}

async function importCsv(dir: string, file: string): Promise<void> {
  const c = captureIo(dir, { DATA_DIR: 'data', CREDCHECK_NOW: TODAY });
  const code = await serverCommands.import!.run([file], c.io);
  if (code !== 0) throw new Error(`import of ${file} failed: ${c.stderr.text}${c.stdout.text}`);
}

/** What expected.json says a fixture entry must show, in this test's terms. */
function fixtureExpectations(entries: FixtureEntry[]): { badges: Expectation[]; noBadge: string[] } {
  const badges: Expectation[] = [];
  const noBadge: string[] = [];
  for (const e of entries) {
    const status = e.expected as Expectation['status'];
    if (e.match === 'uscc') badges.push({ case: e.name, match: 'code', code: e.uscc!, status });
    else if (e.match === 'id_number') badges.push({ case: e.name, match: 'id', code: e.display_id!, status });
    else if (status === 'clean') noBadge.push(normalizeName(e.name));
    else badges.push({ case: e.name, match: 'name', name: normalizeName(e.name), status });
  }
  return { badges, noBadge };
}

/** Hovers and focuses a badge and waits until the shadow-root text grows: the card opened. */
async function openCard(page: Page, selector: string): Promise<string> {
  const before = (await shadowContent(page)).text;
  const badge = page.locator(selector).first();
  await badge.scrollIntoViewIfNeeded();
  await badge.hover();
  await badge.focus().catch(() => {});
  return waitFor(
    async () => (await shadowContent(page)).text,
    (t) => t.length > before.length + 10,
    5_000,
    `a card to open for ${selector}`,
  );
}

run('the extension in Chromium against a real API process', () => {
  let dir: string;
  let api: ApiProcess;
  let apiPort: string;
  let server: PageServer;
  let ext: ExtensionBrowser;
  let hard: HardPages;
  let synced: SyncState;
  let fixtureRows: ListRow[] = [];
  const dialogs: string[] = [];

  const startApi = (port?: string) =>
    startApiProcess({
      DATA_DIR: join(dir, 'data'),
      CREDCHECK_DEMO: '0',
      CREDCHECK_ADMIN_KEY: ADMIN_KEY,
      CREDCHECK_RATE_LIMIT: '0',
      CREDCHECK_RATE_LIMIT_ANON: '0',
      ...(port ? { PORT: port } : {}),
    });
  const syncState = () => ext.ask<SyncState>({ type: 'sync-state' });
  /** When a page shows nothing, whether the content script was registered and the data synced says why. */
  const diagnose = async (problems: string[]) =>
    problems.length === 0
      ? ''
      : ` (registered content scripts: ${JSON.stringify(await registeredScripts(ext.worker))}; sync: ${JSON.stringify(await syncState())})`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'credcheck-ext-e2e-'));
    const extensionDir = await builtExtensionCopy(dir);

    // The harder pages' subjects come from the project's own generator, plus one whose list data
    // is HTML; the fixtures' lists go into the same store when they are present.
    const generated: DatasetRow[] = [
      ...generateDataset({ seed: 'extension-e2e', subjects: 500, today: TODAY }),
    ];
    fixtureRows = hasFixtures ? readListRows(join(FIXTURES, 'lists.csv')) : [];
    const taken = new Set([...generated, ...fixtureRows].map((r) => r.uscc));
    const rand = seededRandom(4242);
    let injectedCode = generateUSCC(rand);
    while (taken.has(injectedCode)) injectedCode = generateUSCC(rand);
    const injected = injectedRow(injectedCode, TODAY);
    generated.push(injected);
    const csv = [DATASET_COLUMNS.join(',')]
      .concat(generated.map((r) => DATASET_COLUMNS.map((c) => csvField(r[c])).join(',')))
      .join('\n');
    writeFileSync(join(dir, 'generated.csv'), `${csv}\n`);
    if (hasFixtures) await importCsv(dir, join(FIXTURES, 'lists.csv'));
    await importCsv(dir, join(dir, 'generated.csv'));

    const listed = subjectStatuses([...fixtureRows, ...generated], TODAY);
    hard = buildHardPages(
      listed,
      { code: injected.uscc, reason: injected.reason, name: injected.name, designator: injected.designator },
      new Set(generated.map((r) => r.uscc)),
    );
    server = await servePages(hard.pages, hasFixtures ? FIXTURES : undefined);

    // The API and the browser start side by side (each takes seconds); afterAll stops whichever started.
    const [started, launched] = await Promise.allSettled([
      startApi(),
      startExtensionBrowser({ dir: extensionDir, origins: ['http://127.0.0.1/*'] }),
    ]);
    if (started.status === 'fulfilled') api = started.value;
    if (launched.status === 'fulfilled') ext = launched.value;
    if (started.status === 'rejected') throw started.reason;
    if (launched.status === 'rejected') throw launched.reason;
    apiPort = new URL(api.url).port;
    ext.context.on('page', (p) =>
      p.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      }),
    );
    await storeSettings(ext.worker, {
      apiUrl: api.url,
      apiKey: '',
      portals: [{ pattern: `${server.url}/*`, scenario: SCENARIO }],
      badgeStyle: 'full',
      locale: 'zh_CN',
    });
    synced = await waitFor(
      syncState,
      (s) => s.syncedAt !== null && !s.offline,
      20_000,
      'the first snapshot sync',
    );
  }, 120_000);

  afterAll(async () => {
    await ext?.close();
    await server?.close();
    await api?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('has host access to the granted origin only and a synced snapshot', async () => {
    expect(await grantedOrigins(ext.worker)).toEqual(['http://127.0.0.1/*']);
    expect(synced.dataVersion).toBeGreaterThan(0);
    expect(synced.codes).toBeGreaterThan(0);
  });

  const fixtureSuite = hasFixtures
    ? 'the shared fixture pages (../shared/fixtures)'
    : 'the shared fixture pages: skipped, no ../shared/fixtures next to the repository';
  describe.skipIf(!hasFixtures)(fixtureSuite, () => {
    const expectedJson = () =>
      JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
        pages: Record<string, { entries: FixtureEntry[] }>;
      };

    it('the status rules the harder pages use agree with expected.json', () => {
      const statuses = subjectStatuses(fixtureRows, TODAY);
      for (const [page, { entries }] of Object.entries(expectedJson().pages)) {
        for (const e of entries) {
          const code = e.uscc ?? e.id_number;
          if (code) expect(statuses.get(code)?.status ?? 'clean', `${page} ${e.name}`).toBe(e.expected);
        }
      }
    });

    for (const file of ['01-bid-opening.html', '02-award-notice.html', '04-qualification-review.html']) {
      it(`${file} shows exactly what expected.json says`, async () => {
        const entries = expectedJson().pages[`pages/${file}`]!.entries;
        const { badges, noBadge } = fixtureExpectations(entries);
        const page = await ext.context.newPage();
        await page.goto(`${server.url}/pages/${file}`);
        const { problems } = await settle(
          () => readPage(page),
          (s) => pageProblems(s, badges, { noBadgeNames: noBadge }),
        );
        expect(problems, await diagnose(problems)).toEqual([]);

        const person = entries.find((e) => e.match === 'id_number');
        if (person) {
          const fullId = person.id_number!;
          const source = readFileSync(join(FIXTURES, 'pages', file), 'utf8');
          await openCard(page, `credcheck-badge[data-match="id"][data-code="${person.display_id}"]`);
          const shadow = await shadowContent(page);
          expect(shadow.text).toContain(person.display_id);
          expect(shadow.text + shadow.html).not.toContain(fullId);
          // The page's own text shows the number; the extension adds no copy of it anywhere.
          const count = (s: string) => s.split(fullId).length - 1;
          expect(count(await page.content())).toBe(count(source));
        }
        await page.close();
      });
    }

    it('03-spa-supplier-list.html: rows rendered later and on 加载更多 are badged once each', async () => {
      const entries = expectedJson().pages['pages/03-spa-supplier-list.html']!.entries;
      const page = await ext.context.newPage();
      await page.goto(`${server.url}/pages/03-spa-supplier-list.html`);
      await page.waitForSelector('body[data-ready="1"]');
      let phases = ['initial'];
      for (const click of [0, 1, 2]) {
        if (click > 0) {
          phases = [...phases, `load-more-${click}`];
          await page.locator('#more').click();
          await page.waitForFunction(
            (n) => document.querySelectorAll('tbody tr').length >= n,
            20 + 10 * click,
          );
        }
        const { badges } = fixtureExpectations(entries.filter((e) => phases.includes(e.phase ?? 'initial')));
        const { problems } = await settle(
          () => readPage(page),
          (s) => pageProblems(s, badges),
        );
        expect(problems, `after phase ${phases.at(-1)}${await diagnose(problems)}`).toEqual([]);
      }
      // Nothing is scanned twice: a later pass adds no second badge.
      await page.waitForTimeout(700);
      const again = await readPage(page);
      expect(pageProblems(again, fixtureExpectations(entries).badges)).toEqual([]);
      await page.close();
    });
  });

  describe('harder pages built from the generated lists', () => {
    it('badges every way a code or name can be written, in frames, shadow roots and later rows', async () => {
      const page = await ext.context.newPage();
      await page.goto(`${server.url}${hard.path}`);
      await page.waitForSelector('body[data-timer="1"]');
      const now = hard.expected.filter((e) => !e.frame && e.later !== 'click');
      const framed = hard.expected.filter((e) => e.frame);
      const frame = () => page.frames().find((f) => f.url().endsWith('/gen/hard-frame.html'))!;

      // The summary on the top document counts the frame's badges too: read both as one page.
      const whole = async () => {
        const [top, inner] = await Promise.all([readPage(page), readPage(frame())]);
        return { badges: [...top.badges, ...inner.badges], summary: top.summary };
      };
      const all = await settle(whole, (s) =>
        pageProblems(s, [...now, ...framed], { noBadgeNames: hard.unlistedNames }),
      );
      expect(all.problems, await diagnose(all.problems)).toEqual([]);
      // ...and the frame's badge sits in the frame.
      const inFrame = pageProblems(await readPage(frame()), framed, { checkSummary: false });
      expect(inFrame, 'same-origin iframe').toEqual([]);

      await page.locator('#more').click();
      const after = await settle(whole, (s) =>
        pageProblems(s, hard.expected, { noBadgeNames: hard.unlistedNames }),
      );
      expect(after.problems, `after a row was added on click${await diagnose(after.problems)}`).toEqual([]);
      await page.close();
    });

    it('shows list data carrying HTML as text in the card, never as markup', async () => {
      const page = await ext.context.newPage();
      await page.goto(`${server.url}${hard.path}`);
      const selector = `credcheck-badge[data-code="${hard.injected.code}"]`;
      await page.waitForSelector(selector);
      const imagesBefore = await page.evaluate(() => document.images.length);
      await openCard(page, selector);
      await waitFor(
        async () => (await shadowContent(page)).text,
        (t) => t.includes(hard.injected.reason),
        5_000,
        'the card to show the reason',
      );
      const shadow = await shadowContent(page);
      expect(shadow.elements).not.toContain('img');
      expect(shadow.elements).not.toContain('script');
      // The designator's <script> shows as text too, and never ran.
      expect(shadow.text).toContain(hard.injected.designator);
      expect(await page.evaluate(() => document.images.length)).toBe(imagesBefore);
      expect(
        await page.evaluate(
          () => (window as unknown as { __credcheckInjected?: number }).__credcheckInjected,
        ),
      ).toBe(undefined);
      expect(dialogs).toEqual([]);
      await page.close();
    });

    it('gives a hostile page nothing: no messaging, and its synthetic events open no card and ask for no decision', async () => {
      const page = await ext.context.newPage();
      await page.goto(`${server.url}${hard.path}`);
      const selector = `credcheck-badge[data-code="${hard.injected.code}"]`;
      await page.waitForSelector(selector);
      // No externally_connectable: the page's own scripts cannot reach the background at all.
      expect(
        await page.evaluate(
          () =>
            typeof (globalThis as { chrome?: { runtime?: { sendMessage?: unknown } } }).chrome?.runtime
              ?.sendMessage,
        ),
      ).toBe('undefined');
      const cardOf = (sel: string) =>
        page.evaluate((q) => {
          const card = document.querySelector(q)?.shadowRoot?.querySelector<HTMLElement>('.card');
          return card ? { hidden: card.hidden, text: card.textContent ?? '' } : null;
        }, sel);
      await page.evaluate((q) => {
        const badge = document.querySelector(q) as HTMLElement;
        for (const type of ['mouseover', 'click']) {
          badge.dispatchEvent(new MouseEvent(type, { bubbles: true, composed: true }));
        }
        badge.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
      }, selector);
      await page.waitForTimeout(300);
      expect(await cardOf(selector)).toBeNull();

      // Opened by the officer, the card's decision button still ignores a scripted click.
      await openCard(page, selector);
      const before = await cardOf(selector);
      await page.evaluate((q) => {
        const card = document.querySelector(q)?.shadowRoot?.querySelector('.card');
        const button = [...(card?.querySelectorAll('button') ?? [])].find(
          (b) => b.textContent === '生成核查决定',
        );
        if (!button) throw new Error('no decision button in the card');
        button.click();
      }, selector);
      await page.waitForTimeout(500);
      expect(await cardOf(selector)).toEqual(before);
      await page.close();
    });

    it('asks for a decision from the card on the officer’s click and shows an id the API recorded', async () => {
      const settings = {
        apiUrl: api.url,
        apiKey: ADMIN_KEY,
        portals: [{ pattern: `${server.url}/*`, scenario: SCENARIO }],
        badgeStyle: 'full',
        locale: 'zh_CN',
      };
      await storeSettings(ext.worker, settings);
      try {
        const page = await ext.context.newPage();
        await page.goto(`${server.url}${hard.path}`);
        const selector = `credcheck-badge[data-code="${hard.injected.code}"]`;
        await page.waitForSelector(selector);
        await openCard(page, selector);
        await page.locator(`${selector} button`, { hasText: '生成核查决定' }).click();
        const text = await waitFor(
          async () => (await shadowContent(page)).text,
          (t) => /dec_[0-9a-z]+/.test(t),
          10_000,
          'the decision id in the card',
        );
        const id = /dec_[0-9a-z]+/.exec(text)![0];
        const res = await fetch(`${api.url}/v1/decisions/${id}`, {
          headers: { authorization: `Bearer ${ADMIN_KEY}` },
        });
        expect(res.status).toBe(200);
        const record = (await res.json()) as { scenario?: string; decision?: { scenario?: string } };
        expect(record.scenario ?? record.decision?.scenario).toBe(SCENARIO);
        await page.close();
      } finally {
        await storeSettings(ext.worker, { ...settings, apiKey: '' });
      }
    });

    it('keeps badges whole and readable at 200% zoom', async () => {
      const page = await ext.context.newPage();
      await page.goto(`${server.url}${hard.path}`);
      const selector = `credcheck-badge[data-code="${hard.injected.code}"]`;
      await page.waitForSelector(selector);
      const measure = () =>
        page.evaluate((q) => {
          const face = document.querySelector(q)?.shadowRoot?.querySelector<HTMLElement>('.b');
          if (!face) throw new Error('no badge face');
          const r = face.getBoundingClientRect();
          return {
            width: r.width,
            height: r.height,
            clipped: face.scrollWidth > face.clientWidth + 1 || face.scrollHeight > face.clientHeight + 1,
            text: face.innerText,
          };
        }, selector);
      const normal = await measure();
      await page.evaluate(() => {
        document.documentElement.style.zoom = '2';
      });
      const zoomed = await measure();
      expect(zoomed.clipped).toBe(false);
      expect(zoomed.text).toBe(normal.text);
      // Text and icon grow with the page instead of staying at a fixed pixel size.
      expect(zoomed.height).toBeGreaterThan(normal.height * 1.8);
      await page.close();
    });

    it('never shows a listed person’s full ID number outside the page’s own text', async () => {
      const page = await ext.context.newPage();
      await page.goto(`${server.url}${hard.path}`);
      const person = hard.expected.find((e) => e.match === 'id')!;
      await openCard(page, `credcheck-badge[data-match="id"][data-code="${person.code}"]`);
      const shadow = await shadowContent(page);
      expect(shadow.text + shadow.html).not.toContain(hard.personId);
      const count = (s: string) => s.split(hard.personId).length - 1;
      expect(count(await page.content())).toBe(count(hard.pages.get(hard.path)!));
      await page.close();
    });
  });

  describe('the popup and the options page', () => {
    it('the popup shows the data version and the last sync', async () => {
      const state = await syncState();
      const popup = await ext.open('popup.html');
      const field = (key: string) => popup.locator(`[data-field="${key}"]`);
      await expect
        .poll(() => field('data-version').innerText(), { timeout: 5_000 })
        .toBe(String(state.dataVersion));
      const at = new Date(state.syncedAt!);
      const hhmm = `${String(at.getUTCHours()).padStart(2, '0')}:${String(at.getUTCMinutes()).padStart(2, '0')}`;
      // Whatever the date format, the time of the last sync shows (the browser runs in UTC here).
      expect(await field('last-sync').innerText()).toContain(hhmm);
      expect(await popup.locator('#offline').count()).toBe(0);
      await popup.close();
    });

    it.skipIf(!hasFixtures)(
      'the content script answers the popup with the page’s counts and jumps to a badge',
      async () => {
        const page = await ext.context.newPage();
        const url = `${server.url}/pages/01-bid-opening.html`;
        await page.goto(url);
        await page.waitForFunction(() => document.documentElement.hasAttribute('data-credcheck-summary'));
        // What the popup does for its active tab, sent from the extension to that tab.
        const summary = await ext.worker.evaluate(async (u) => {
          const c = (globalThis as unknown as { chrome: { tabs: ChromeTabs } }).chrome;
          const [tab] = await c.tabs.query({ url: u });
          return c.tabs.sendMessage(tab!.id!, { type: 'page-summary' });
        }, url);
        const counts = JSON.parse((await page.getAttribute('html', 'data-credcheck-summary'))!);
        expect(summary.counts).toMatchObject(counts);
        expect(summary.items.length).toBe(
          Object.entries(counts as Record<string, number>)
            .filter(([k]) => k !== 'clean')
            .reduce((n, [, v]) => n + v, 0),
        );
        await ext.worker.evaluate(
          async ({ u, index }) => {
            const c = (globalThis as unknown as { chrome: { tabs: ChromeTabs } }).chrome;
            const [tab] = await c.tabs.query({ url: u });
            return c.tabs.sendMessage(tab!.id!, { type: 'jump', index });
          },
          { u: url, index: summary.items.at(-1).index },
        );
        await expect
          .poll(() => page.evaluate(() => document.activeElement?.localName), { timeout: 3_000 })
          .toBe('credcheck-badge');
        await page.close();
      },
    );

    it('the options page shows the saved settings', async () => {
      const options = await ext.open('options.html');
      const shown = await waitFor(
        () =>
          options.evaluate(() => {
            const values = [...document.querySelectorAll('input, select, textarea')].map(
              (el) => (el as HTMLInputElement).value,
            );
            return `${values.join('\n')}\n${document.body.innerText}`;
          }),
        (t) => t.includes(api.url),
        5_000,
        'the options page to show the API URL',
      );
      expect(shown).toContain(`${server.url}/*`);
      expect(shown).toContain(SCENARIO);
      await options.close();
    });
  });

  it('works offline from the last snapshot, says so, and is online again once the API is back', async () => {
    const before = await syncState();
    await api.stop();
    const offline = await ext.ask<SyncState>({ type: 'sync-now' });
    expect(offline.offline).toBe(true);
    // The failed sync kept the last good copy.
    expect(offline.dataVersion).toBe(before.dataVersion);
    expect(offline.syncedAt).toBe(before.syncedAt);

    const page = await ext.context.newPage();
    await page.goto(`${server.url}${hard.offlinePath}`);
    const { problems } = await settle(
      () => readPage(page),
      (s) => pageProblems(s, hard.offlineExpected),
    );
    expect(problems, `offline${await diagnose(problems)}`).toEqual([]);
    await page.close();

    const popup = await ext.open('popup.html');
    await expect.poll(() => popup.locator('#offline').innerText(), { timeout: 5_000 }).toMatch(/离线/);
    await popup.close();

    // Same port: the extension's settings name it.
    api = await startApi(apiPort);
    const online = await ext.ask<SyncState>({ type: 'sync-now' });
    expect(online.offline).toBe(false);
    expect(online.lastError).toBe(null);
    const back = await ext.open('popup.html');
    await back.locator('[data-field="data-version"]').waitFor();
    expect(await back.locator('#offline').count()).toBe(0);
    await back.close();
  });

  it('takes the README screenshot: badges and an open card at 1366×768', async () => {
    const page = await ext.context.newPage();
    await page.setViewportSize({ width: 1366, height: 768 });
    const url = hasFixtures ? `${server.url}/pages/01-bid-opening.html` : `${server.url}${hard.path}`;
    await page.goto(url);
    const black = 'credcheck-badge[data-status="black"][data-match="code"]';
    await page.waitForSelector(black);
    await openCard(page, black);
    const png = await page.screenshot();
    expect(png.length).toBeGreaterThan(10_000);
    // Only on request, so that a test run never dirties the tree.
    if (process.env.CREDCHECK_SCREENSHOTS === '1') {
      mkdirSync(join(ROOT, 'docs'), { recursive: true });
      writeFileSync(SCREENSHOT, png);
    }
    await page.close();
  });
});
