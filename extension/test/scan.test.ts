import { generateUSCC } from '@credcheck/sdk/identifiers';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing';
import { attrs, badges, installFakeBackground, scanDocument, settle, stopScanners } from './scan-helpers.ts';

const BLACK = '91110108MA0U94MT1P';

beforeEach(() => {
  stopScanners();
  fakeBrowser.reset();
  document.documentElement.removeAttribute('data-credcheck-summary');
  document.body.innerHTML = '';
});

const sentCodes = (bg: ReturnType<typeof installFakeBackground>) => bg.checks.flatMap((c) => c.codes);
const sentNames = (bg: ReturnType<typeof installFakeBackground>) =>
  bg.checks.flatMap((c) => c.names.map((n) => n.text));

describe('scanner: codes', () => {
  it('badges codes in table cells with their status, right after the cell text', async () => {
    installFakeBackground();
    document.body.innerHTML = `<table><tr><td>北京祁宏水利水电工程有限公司</td><td id="c1">91110108MA0U94MT1P</td></tr>
      <tr><td>重庆铖润园林绿化工程有限公司</td><td>91500235MA2QJDA231</td></tr></table>`;
    await scanDocument();
    expect(badges().map(attrs)).toEqual([
      { status: 'black', match: 'code', code: BLACK, name: null },
      { status: 'clean', match: 'code', code: '91500235MA2QJDA231', name: null },
    ]);
    const cell = document.getElementById('c1') as HTMLElement;
    expect(cell.lastChild?.nodeName.toLowerCase()).toBe('credcheck-badge');
    expect(cell.firstChild?.textContent).toBe(BLACK);
  });

  it('reads full-width, lower-case and zero-width-spaced codes, and asks once per code', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = `<p>全角：９１１１０１０８ＭＡ０Ｕ９４ＭＴ１Ｐ。</p><p>小写：91110108ma0u94mt1p。</p>
      <p>零宽：9111\u200b0108MA0U\u200d94MT1P。</p>`;
    await scanDocument();
    expect(badges().map(attrs)).toEqual(
      Array(3).fill({ status: 'black', match: 'code', code: BLACK, name: null }),
    );
    expect(sentCodes(bg)).toEqual([BLACK]);
    // The badge sits right after the code, inside the sentence.
    const p = document.querySelector('p') as HTMLElement;
    expect(p.childNodes[0]?.textContent).toBe('全角：９１１１０１０８ＭＡ０Ｕ９４ＭＴ１Ｐ');
    expect(p.childNodes[1]?.nodeName.toLowerCase()).toBe('credcheck-badge');
    expect(p.childNodes[2]?.textContent).toBe('。');
  });

  it('joins a code split over inline elements and puts the badge after them', async () => {
    installFakeBackground();
    document.body.innerHTML = '<p id="p">代码<span>9111</span><b>0108MA0U<i>94MT1P</i></b>，投标报价</p>';
    await scanDocument();
    expect(badges().map(attrs)).toEqual([{ status: 'black', match: 'code', code: BLACK, name: null }]);
    const b = document.querySelector('b') as HTMLElement;
    expect(b.nextSibling?.nodeName.toLowerCase()).toBe('credcheck-badge');
    expect(b.querySelector('credcheck-badge')).toBeNull();
  });

  it('does not join text across block boundaries or neighbouring numbers', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML =
      '<div>9111<div>0108MA0U94MT1P</div></div><p>9111 0108MA0U94MT1P</p><p>9111<br>0108MA0U94MT1P</p>';
    await scanDocument();
    expect(badges()).toHaveLength(0);
    expect(sentCodes(bg)).toEqual([]);
  });

  it('reads input values and textareas, badging after the field', async () => {
    installFakeBackground();
    document.body.innerHTML =
      '<form><input id="i" value="91110108MA0U94MT1P"><input type="password" value="91110108MA0U94MT1P"><textarea id="t">中标人 91420700MA91FQXM7R</textarea></form>';
    await scanDocument();
    expect(badges().map((b) => [b.previousElementSibling?.id, b.getAttribute('data-status')])).toEqual([
      ['i', 'black'],
      ['t', 'red'],
    ]);
  });

  it('rereads a field whose value changed and replaces its badge', async () => {
    installFakeBackground();
    document.body.innerHTML = '<input id="i" value="91110108MA0U94MT1P">';
    const page = await scanDocument();
    const input = document.getElementById('i') as HTMLInputElement;
    input.value = '91420700MA91FQXM7R';
    input.dispatchEvent(new Event('change', { bubbles: true }));
    await settle(page);
    expect(badges().map(attrs)).toEqual([
      { status: 'red', match: 'code', code: '91420700MA91FQXM7R', name: null },
    ]);
  });

  it('reads open shadow roots and watches them', async () => {
    installFakeBackground();
    document.body.innerHTML = '<div id="host"></div>';
    const root = (document.getElementById('host') as HTMLElement).attachShadow({ mode: 'open' });
    root.innerHTML = '<table><tr><td>91110108MA0U94MT1P</td></tr></table>';
    const page = await scanDocument();
    expect(badges(root).map(attrs)).toEqual([{ status: 'black', match: 'code', code: BLACK, name: null }]);
    root.querySelector('table')?.insertAdjacentHTML('beforeend', '<tr><td>91420700MA91FQXM7R</td></tr>');
    await settle(page);
    expect(badges(root).map((b) => b.getAttribute('data-status'))).toEqual(['black', 'red']);
  });

  it('warns on a code that fails its checksum and never sends it', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = '<p>代码：91110108MA0U94MT1Q；另一家 91420700MA91FQXM7R</p>';
    await scanDocument();
    expect(badges().map(attrs)).toEqual([
      { status: 'invalid', match: 'code', code: '91110108MA0U94MT1Q', name: null },
      { status: 'red', match: 'code', code: '91420700MA91FQXM7R', name: null },
    ]);
    expect(sentCodes(bg)).toEqual(['91420700MA91FQXM7R']);
    const label = badges()[0]?.shadowRoot?.textContent ?? '';
    expect(label).toContain('请核对代码');
    expect(badges()[0]?.getAttribute('aria-label')).toContain('请核对代码');
  });

  it("masks a person's ID number on the badge and sends it only to the background", async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = '<table><tr><td>莫玉博（自然人）</td><td>130528198108196367</td></tr></table>';
    await scanDocument();
    const [badge] = badges();
    expect(badge && attrs(badge)).toEqual({
      status: 'black',
      match: 'id',
      code: '1****************7',
      name: null,
    });
    expect(badge?.outerHTML).not.toContain('130528198108196367');
    expect(badge?.shadowRoot?.innerHTML ?? '').not.toContain('130528198108196367');
    expect(badge?.getAttribute('aria-label')).not.toContain('130528198108196367');
    expect(bg.checks.flatMap((c) => c.ids)).toEqual(['130528198108196367']);
  });

  it('ignores scripts, styles, editors and their textareas', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = `<script>var c = "91110108MA0U94MT1P";</script><style>.x{content:"91110108MA0U94MT1P"}</style>
      <div contenteditable="true">91110108MA0U94MT1P 鄂州市泓丰医疗器械有限公司</div>
      <div class="CodeMirror"><textarea>91110108MA0U94MT1P</textarea></div>
      <noscript>91110108MA0U94MT1P</noscript><template><p>91110108MA0U94MT1P</p></template>`;
    await scanDocument();
    expect(badges()).toHaveLength(0);
    expect(bg.checks).toHaveLength(0);
  });
});

describe('scanner: names', () => {
  it('finds a name in prose and badges it as a possible match, outlined and labelled 疑似', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML =
      '<p>其中，鄂州市泓丰医疗器械有限公司经信用信息查询被列入失信被执行人名单，第一中标候选人鄂州通蔚仪器设备有限公司，投标报价3,186,500.00元。</p>';
    await scanDocument();
    expect(sentNames(bg)).toEqual(['鄂州市泓丰医疗器械有限公司', '第一中标候选人鄂州通蔚仪器设备有限公司']);
    expect(badges().map(attrs)).toEqual([
      { status: 'black', match: 'name', code: null, name: '鄂州市泓丰医疗器械有限公司' },
      { status: 'red', match: 'name', code: null, name: '鄂州通蔚仪器设备有限公司' },
    ]);
    const [first] = badges();
    expect(first?.previousSibling?.textContent?.endsWith('鄂州市泓丰医疗器械有限公司')).toBe(true);
    expect(first?.shadowRoot?.textContent).toContain('疑似');
    expect(first?.shadowRoot?.querySelector('.b')?.className).toContain('m-name');
  });

  it('sends each name of a list separated by 、 on its own', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML =
      '<p>其余未中标供应商为：湖北博珩科技有限公司、湖北峪晟电子科技有限公司、鄂州市弘嵘环保科技股份有限公司。</p>';
    await scanDocument();
    expect(sentNames(bg)).toEqual([
      '湖北博珩科技有限公司',
      '湖北峪晟电子科技有限公司',
      '鄂州市弘嵘环保科技股份有限公司',
    ]);
    expect(badges().map(attrs)).toEqual([
      { status: 'red', match: 'name', code: null, name: '鄂州市弘嵘环保科技股份有限公司' },
    ]);
  });

  it('keeps （集团） inside the name', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = '<table><tr><td>河北嘉钧建筑工程（集团）有限公司</td><td>—</td></tr></table>';
    await scanDocument();
    expect(sentNames(bg)).toEqual(['河北嘉钧建筑工程（集团）有限公司']);
    expect(badges().map(attrs)).toEqual([
      { status: 'black', match: 'name', code: null, name: '河北嘉钧建筑工程(集团)有限公司' },
    ]);
  });

  it('sends a branch as one run (not its parent alone) and badges it related', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = '<p>投标人：北京祁宏水利水电工程有限公司北京分公司，报价若干。</p>';
    await scanDocument();
    expect(sentNames(bg)).toEqual(['北京祁宏水利水电工程有限公司北京分公司']);
    expect(badges().map(attrs)).toEqual([
      { status: 'related', match: 'name', code: null, name: '北京祁宏水利水电工程有限公司北京分公司' },
    ]);
  });

  it('pairs a name with the code in its row or after a short label, and does not send it', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML = `<table><tr><td>北京祁宏水利水电工程有限公司</td><td><span>91110108MA0U94MT1P</span></td></tr></table>
      <p>中标供应商为鄂州通蔚仪器设备有限公司（统一社会信用代码：91420700MA91FQXM7R），供应商地址：某路。</p>
      <p>第三中标候选人贵州钧远仪器设备有限公司，统一社会信用代码91520102MA36PBUM5L，投标报价。</p>`;
    await scanDocument();
    expect(sentNames(bg)).toEqual([]);
    expect(badges().map((b) => [b.getAttribute('data-match'), b.getAttribute('data-status')])).toEqual([
      ['code', 'black'],
      ['code', 'red'],
      ['code', 'expired'],
    ]);
  });

  it('gives a name no second badge when its subject has a code badge on the page', async () => {
    installFakeBackground();
    document.body.innerHTML = `<p>本项目中标供应商为鄂州通蔚仪器设备有限公司（统一社会信用代码：91420700MA91FQXM7R）。</p>
      <p>第一中标候选人鄂州通蔚仪器设备有限公司，投标报价3,186,500.00元；其中，鄂州市泓丰医疗器械有限公司未通过资格审查。</p>`;
    await scanDocument();
    expect(badges().map(attrs)).toEqual([
      { status: 'red', match: 'code', code: '91420700MA91FQXM7R', name: null },
      { status: 'black', match: 'name', code: null, name: '鄂州市泓丰医疗器械有限公司' },
    ]);
  });
});

describe('scanner: batching and failures', () => {
  it('asks in batches of at most 500 keys and badges every code of a long table', async () => {
    const bg = installFakeBackground();
    let seed = 1;
    const rand = () => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    const codes = new Set<string>();
    while (codes.size < 1200) codes.add(generateUSCC(rand));
    const rows = [...codes].map((c, i) => `<tr><td>${i}</td><td>某某${i}有限公司</td><td>${c}</td></tr>`);
    document.body.innerHTML = `<table><tbody>${rows.join('')}</tbody></table>`;
    await scanDocument();
    expect(badges()).toHaveLength(1200);
    expect(bg.checks.length).toBeGreaterThanOrEqual(3);
    for (const c of bg.checks)
      expect(c.codes.length + c.ids.length + c.names.length).toBeLessThanOrEqual(500);
    expect(new Set(sentCodes(bg)).size).toBe(1200);
    // Every name sits in a row with a code: none was sent on its own.
    expect(sentNames(bg)).toEqual([]);
  });

  it('shows codes as not checked when the background does not answer', async () => {
    fakeBrowser.runtime.onMessage.addListener((m: unknown) =>
      (m as { type: string }).type === 'page-config'
        ? Promise.resolve({ enabled: true, scenario: null, badgeStyle: 'compact', locale: 'zh_CN' })
        : undefined,
    );
    document.body.innerHTML = '<p>91110108MA0U94MT1P</p>';
    await scanDocument();
    expect(badges().map(attrs)).toEqual([{ status: 'unknown', match: 'code', code: BLACK, name: null }]);
    expect(document.documentElement.getAttribute('data-credcheck-summary')).toBe('{"unknown":1}');
  });
});

describe('scanner: dynamic pages', () => {
  it('badges rows appended later and never reads a text twice', async () => {
    const bg = installFakeBackground();
    document.body.innerHTML =
      '<table><tbody id="tb"><tr><td>北京祁宏水利水电工程有限公司</td><td>91110108MA0U94MT1P</td></tr></tbody></table><b id="count">1</b>';
    const page = await scanDocument();
    expect(badges()).toHaveLength(1);
    const checksBefore = bg.checks.length;
    const tb = document.getElementById('tb') as HTMLElement;
    tb.insertAdjacentHTML(
      'beforeend',
      '<tr><td>x</td><td>91420700MA91FQXM7R</td></tr><tr><td>y</td><td>91110108MA0U94MT1P</td></tr>',
    );
    (document.getElementById('count') as HTMLElement).textContent = '3';
    await settle(page);
    expect(badges().map((b) => b.getAttribute('data-status'))).toEqual(['black', 'red', 'black']);
    // Only the new code went out; the repeated one came from the page's cache.
    expect(bg.checks.slice(checksBefore).flatMap((c) => c.codes)).toEqual(['91420700MA91FQXM7R']);
    const summary = JSON.parse(document.documentElement.getAttribute('data-credcheck-summary') ?? '{}');
    expect(summary).toEqual({ black: 2, red: 1 });
    // Scanning the whole page again finds nothing new: no badge, no request.
    const checks = bg.checks.length;
    page.scanner.enqueue(document.body);
    await settle(page);
    expect(badges()).toHaveLength(3);
    expect(bg.checks.length).toBe(checks);
  });

  it('reads again a text the page changed while its answer was out, and badges the new text only', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const asked: string[][] = [];
    fakeBrowser.runtime.onMessage.addListener((m: unknown) => {
      const req = m as { type: string; codes?: string[] };
      if (req.type === 'page-config')
        return Promise.resolve({ enabled: true, scenario: null, badgeStyle: 'full', locale: 'zh_CN' });
      if (req.type !== 'check') return undefined;
      asked.push(req.codes ?? []);
      const codes = (req.codes ?? []).map((key) => ({
        kind: 'code',
        key,
        status: ({ [BLACK]: 'black', '91420700MA91FQXM7R': 'red' } as Record<string, string>)[key] ?? 'clean',
        confirmed: true,
      }));
      // The first answer waits until the page has changed; later ones come at once.
      return (asked.length === 1 ? gate : Promise.resolve()).then(() => ({
        codes,
        names: [],
        offline: false,
        dataVersion: 1,
      }));
    });
    document.body.innerHTML = `<p id="a">${BLACK}</p><p id="b">91500235MA2QJDA231</p>`;
    const started = scanDocument();
    while (asked.length === 0) await new Promise((r) => setTimeout(r, 1));
    ((document.getElementById('a') as HTMLElement).firstChild as Text).data = '91420700MA91FQXM7R';
    release();
    const page = await started;
    await settle(page);
    expect(badges().map(attrs)).toEqual([
      { status: 'red', match: 'code', code: '91420700MA91FQXM7R', name: null },
      { status: 'clean', match: 'code', code: '91500235MA2QJDA231', name: null },
    ]);
    expect(asked.flat()).toEqual([BLACK, '91500235MA2QJDA231', '91420700MA91FQXM7R']);
  });

  it('never reads its own badges: badge text and attributes are not page text', async () => {
    const bg = installFakeBackground({ locale: 'en' });
    document.body.innerHTML = '<p id="p">91110108MA0U94MT1P</p>';
    const page = await scanDocument();
    const badge = badges()[0] as HTMLElement;
    // Our own mutation (a repaint) must not bring the badge's text into a scan.
    badge.setAttribute('data-extra', '91420700MA91FQXM7R');
    badge.append(document.createTextNode('91420700MA91FQXM7R 鄂州市泓丰医疗器械有限公司'));
    await settle(page);
    expect(badges()).toHaveLength(1);
    expect(sentCodes(bg)).toEqual([BLACK]);
    expect(sentNames(bg)).toEqual([]);
  });

  it('rescans content an SPA navigation brings in', async () => {
    installFakeBackground();
    document.body.innerHTML = '<main id="app"><p>91110108MA0U94MT1P</p></main>';
    const page = await scanDocument();
    history.pushState({}, '', '/list?page=2');
    const app = document.getElementById('app') as HTMLElement;
    app.innerHTML = '<p>91420700MA91FQXM7R</p>';
    await page.navigated(location.href);
    await settle(page);
    expect(badges().map((b) => b.getAttribute('data-status'))).toEqual(['red']);
    expect(JSON.parse(document.documentElement.getAttribute('data-credcheck-summary') ?? '{}')).toEqual({
      red: 1,
    });
  });
});
