import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import type { BadgeStatus, CheckResponse, NameResult, Request } from '../src/messages.ts';
import { ask, attrs, badges, scanDocument, settle, stopScanners } from './scan-helpers.ts';

// The shared fixture pages and what they must show (../shared/fixtures, next to this repository).
// (Not `new URL(…, import.meta.url)`: Vite rewrites that pattern into a dev-server URL.)
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures');
const fixture = (path: string) => readFileSync(join(FIXTURES, path), 'utf8');
// A clean clone has no ../shared: the suites over its pages are skipped there (the e2e test's own
// generated pages still run).
const hasFixtures = existsSync(join(FIXTURES, 'expected.json'));

interface Entry {
  uscc?: string;
  id_number?: string;
  name: string;
  match: 'uscc' | 'name' | 'id_number';
  expected: BadgeStatus;
  display_id?: string;
}
const expected = (hasFixtures ? JSON.parse(fixture('expected.json')) : { pages: {} }) as {
  pages: Record<string, { entries: Entry[] }>;
};

const fold = (s: string) => s.replace(/（/g, '(').replace(/）/g, ')');

/** A background that knows every fixture subject's expected status (and, like the API, its code). */
function fixtureBackground(): { names: string[] } {
  const codes = new Map<string, BadgeStatus>();
  const names = new Map<string, { status: BadgeStatus; code?: string }>();
  for (const page of Object.values(expected.pages)) {
    for (const e of page.entries) {
      const key = e.uscc ?? e.id_number;
      if (key) codes.set(key, e.expected);
      if (e.expected !== 'clean' && e.match !== 'id_number')
        names.set(fold(e.name), { status: e.expected, ...(e.uscc ? { code: e.uscc } : {}) });
    }
  }
  const sent: string[] = [];
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
    const req = message as Request;
    if (req.type === 'page-config') {
      return Promise.resolve({
        enabled: true,
        scenario: 'government-procurement',
        badgeStyle: 'full',
        locale: 'zh_CN',
      });
    }
    if (req.type !== 'check') return undefined;
    const res: CheckResponse = {
      codes: [
        ...req.codes.map((key) => ({
          kind: 'code' as const,
          key,
          status: codes.get(key) ?? 'clean',
          confirmed: true,
        })),
        ...req.ids.map((key) => ({
          kind: 'id' as const,
          key,
          status: codes.get(key) ?? 'clean',
          confirmed: true,
        })),
      ],
      names: [],
      offline: false,
      dataVersion: 1,
    };
    req.names.forEach((run, i) => {
      sent.push(run.text);
      const text = fold(run.text);
      for (let start = 0; start < text.length; start++) {
        const hit = names.get(text.slice(start));
        if (!hit) continue;
        const r: NameResult = {
          kind: 'name',
          run: i,
          start,
          end: text.length,
          name: text.slice(start),
          status: hit.status,
          confirmed: true,
        };
        if (hit.code) r.code = hit.code;
        res.names.push(r);
        break;
      }
    });
    return Promise.resolve(res);
  });
  return { names: sent };
}

function loadPage(file: string): void {
  const html = fixture(`pages/${file}`);
  const body = /<body[^>]*>([\s\S]*)<\/body>/.exec(html)?.[1] ?? '';
  document.body.innerHTML = body;
}

/** What expected.json says the page shows: one badge per code/ID, one per listed name-only entry. */
function expectedBadges(file: string) {
  return expected.pages[`pages/${file}`]!.entries.filter(
    (e) => e.match !== 'name' || e.expected !== 'clean',
  ).map((e) => ({
    status: e.expected,
    match: e.match === 'uscc' ? 'code' : e.match === 'id_number' ? 'id' : 'name',
    code: e.match === 'uscc' ? (e.uscc as string) : e.match === 'id_number' ? (e.display_id as string) : null,
    name: e.match === 'name' ? fold(e.name) : null,
  }));
}

const sortKey = (b: { code: string | null; name: string | null }) => b.code ?? b.name ?? '';
const sorted = <T extends { code: string | null; name: string | null }>(xs: T[]) =>
  [...xs].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

beforeEach(() => {
  stopScanners();
  fakeBrowser.reset();
  document.documentElement.removeAttribute('data-credcheck-summary');
  document.body.innerHTML = '';
});

describe.skipIf(!hasFixtures)('fixture pages in happy-dom (../shared/fixtures)', () => {
  for (const file of ['01-bid-opening.html', '02-award-notice.html', '04-qualification-review.html']) {
    it(`${file} shows exactly what expected.json says`, async () => {
      fixtureBackground();
      loadPage(file);
      await scanDocument();
      expect(sorted(badges().map(attrs))).toEqual(sorted(expectedBadges(file)));
      const counts: Record<string, number> = {};
      for (const b of expectedBadges(file)) counts[b.status] = (counts[b.status] ?? 0) + 1;
      expect(JSON.parse(document.documentElement.getAttribute('data-credcheck-summary') ?? 'null')).toEqual(
        counts,
      );
    });
  }

  it('02: the winner named again without its code gets no second badge', async () => {
    const bg = fixtureBackground();
    loadPage('02-award-notice.html');
    await scanDocument();
    expect(bg.names).toContain('第一中标候选人鄂州通蔚仪器设备有限公司');
    expect(badges().filter((b) => b.getAttribute('data-name') === '鄂州通蔚仪器设备有限公司')).toHaveLength(
      0,
    );
  });

  it('03: rows rendered later and appended by 加载更多 are all badged, each once', async () => {
    fixtureBackground();
    const html = fixture('pages/03-spa-supplier-list.html');
    const db = JSON.parse(/var DB = (\[[\s\S]*?\]);/.exec(html)?.[1] ?? '[]') as {
      supplierName: string;
      creditCode: string;
    }[];
    document.body.innerHTML = '<div id="app"><div class="loading">数据加载中，请稍候…</div></div>';
    const page = await scanDocument();
    const app = document.getElementById('app') as HTMLElement;
    app.innerHTML =
      '<div class="toolbar">已加载 <b id="count"></b> 家供应商</div><table class="grid"><tbody></tbody></table>';
    const tbody = app.querySelector('tbody') as HTMLElement;
    let loaded = 0;
    const render = (n: number) => {
      for (const r of db.slice(loaded, loaded + n)) {
        loaded++;
        const tr = document.createElement('tr');
        for (const v of [String(loaded), r.supplierName, r.creditCode]) {
          const td = document.createElement('td');
          td.textContent = v;
          tr.append(td);
        }
        tbody.append(tr);
      }
      (document.getElementById('count') as HTMLElement).textContent = `${loaded} / ${db.length}`;
    };
    render(20);
    await settle(page);
    expect(badges()).toHaveLength(20);
    render(10);
    await settle(page);
    render(10);
    await settle(page);
    expect(sorted(badges().map(attrs))).toEqual(sorted(expectedBadges('03-spa-supplier-list.html')));
  });
});

describe('page summary, banner and popup requests', () => {
  it.skipIf(!hasFixtures)(
    'answers page-summary and jump, and shows a dismissible banner with jump links',
    async () => {
      fixtureBackground();
      loadPage('04-qualification-review.html');
      const page = await scanDocument({ banner: true });
      const summary = page.answer({ type: 'page-summary' }) as ReturnType<typeof page.summary>['summary'];
      expect(summary.total).toBe(expectedBadges('04-qualification-review.html').length);
      expect(summary.counts.black).toBe(4);
      // Items: every badge that is not clean, in page order.
      expect(summary.items.map((i) => [i.status, i.match])).toEqual([
        ['black', 'name'],
        ['red', 'name'],
        ['red', 'code'],
        ['expired', 'name'],
        ['black', 'code'],
        ['black', 'id'],
        ['black', 'code'],
      ]);
      expect(summary.items[5]?.label).toContain('1****************7');
      expect(JSON.stringify(summary)).not.toContain('130528198108196367');

      const banner = document.querySelector('[data-credcheck-ui="banner"]') as HTMLElement;
      expect(banner).not.toBeNull();
      const text = banner.shadowRoot?.textContent ?? '';
      expect(text).toContain('已核查 10');
      expect(text).toContain('黑名单 4');
      const links = [...(banner.shadowRoot?.querySelectorAll('li button') ?? [])] as HTMLButtonElement[];
      expect(links).toHaveLength(7);
      links[4]?.click();
      expect(document.activeElement).toBe(page.summary().targets[4]);
      expect(page.answer({ type: 'jump', index: 0 })).toEqual({ ok: true });
      expect(document.activeElement).toBe(page.summary().targets[0]);
      expect(page.answer({ type: 'jump', index: 99 })).toEqual({ ok: false });

      (banner.shadowRoot as ShadowRoot).querySelector<HTMLButtonElement>('button.x')?.click();
      expect(document.querySelector('[data-credcheck-ui="banner"]')).toBeNull();
      // The banner's own text never became page text.
      expect(badges()).toHaveLength(10);
    },
  );

  it('does nothing on a page the background does not enable', async () => {
    fakeBrowser.runtime.onMessage.addListener((m: unknown) =>
      (m as Request).type === 'page-config'
        ? Promise.resolve({ enabled: false, scenario: null, badgeStyle: 'full', locale: 'zh_CN' })
        : undefined,
    );
    document.body.innerHTML = '<p>91110108MA0U94MT1P</p>';
    const { startPage } = await import('../src/page/controller.ts');
    expect(await startPage({ doc: document, ask }, location.href)).toBeNull();
    await new Promise((r) => setTimeout(r, 10));
    expect(badges()).toHaveLength(0);
  });
});
