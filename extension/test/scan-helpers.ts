// A fake background for the content-script tests: answers page-config, check, card and decide from
// a small table, through WXT's fakeBrowser messaging (the same path the real content script uses).
import { fakeBrowser } from 'wxt/testing';
import type {
  BadgeStatus,
  CheckRequest,
  CheckResponse,
  NameResult,
  PageConfig,
  Request,
  ResponseOf,
  SubjectCard,
} from '../src/messages.ts';
import { type Ask, PageController, startPage } from '../src/page/controller.ts';

export const CODES: Record<string, BadgeStatus> = {
  '91110108MA0U94MT1P': 'black',
  '91420700MA91FQXM7R': 'red',
  '91420700MA6Q6UBN44': 'black',
  '91520102MA36PBUM5L': 'expired',
  '91500235MA2QJDA231': 'clean',
  '130528198108196367': 'black',
};

export const NAMES: Record<string, { status: BadgeStatus; code?: string }> = {
  鄂州通蔚仪器设备有限公司: { status: 'red', code: '91420700MA91FQXM7R' },
  鄂州市泓丰医疗器械有限公司: { status: 'black', code: '91420700MA4B7M1X2K' },
  鄂州市弘嵘环保科技股份有限公司: { status: 'red' },
  '河北嘉钧建筑工程(集团)有限公司': { status: 'black' },
  北京祁宏水利水电工程有限公司: { status: 'black', code: '91110108MA0U94MT1P' },
};

export const CARD: SubjectCard = {
  displayCode: '91110108MA0U94MT1P',
  displayName: '北京祁宏水利水电工程有限公司',
  subjectType: 'org',
  entries: [
    {
      listType: 'wage-arrears-migrant-workers',
      listTypeName: '拖欠农民工工资失信联合惩戒对象名单',
      kind: 'black',
      status: 'active',
      reason: '<img src=x onerror="window.__pwned=1">拖欠工资',
      designator: '北京市人力资源和社会保障局',
      basis: '《保障农民工工资支付条例》',
      validFrom: '2025-01-02',
      validUntil: null,
    },
  ],
  measures: [{ code: 'exclude-from-bidding', name: '限制参加政府采购活动', binding: 'mandatory' }],
  objectionUrl: 'javascript:alert(1)',
};

export interface FakeBackground {
  checks: CheckRequest[];
  decides: unknown[];
  config: PageConfig;
}

function fold(s: string): string {
  return s.replace(/（/g, '(').replace(/）/g, ')').replace(/\s/g, '');
}

/** The fake's name matching: the longest listed name the run ends with (like the real one). */
function matchName(text: string, index: number): NameResult | null {
  for (let start = 0; start < text.length; start++) {
    const candidate = fold(text.slice(start));
    const hit = NAMES[candidate];
    if (hit) {
      const r: NameResult = {
        kind: 'name',
        run: index,
        start,
        end: text.length,
        name: candidate,
        status: hit.status,
        confirmed: true,
      };
      if (hit.code) r.code = hit.code;
      return r;
    }
    const branch = /^(.+有限公司).+分公司$/.exec(candidate);
    if (branch && NAMES[branch[1] as string]) {
      return {
        kind: 'name',
        run: index,
        start,
        end: text.length,
        name: candidate,
        parent: branch[1],
        status: 'related',
        confirmed: true,
      };
    }
  }
  return null;
}

export function installFakeBackground(config: Partial<PageConfig> = {}): FakeBackground {
  const bg: FakeBackground = {
    checks: [],
    decides: [],
    config: {
      enabled: true,
      scenario: 'government-procurement',
      badgeStyle: 'full',
      locale: 'zh_CN',
      ...config,
    },
  };
  fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
    const req = message as Request;
    switch (req.type) {
      case 'page-config':
        return Promise.resolve(bg.config);
      case 'check': {
        bg.checks.push(req);
        const res: CheckResponse = {
          codes: [
            ...req.codes.map((key) => ({
              kind: 'code' as const,
              key,
              status: CODES[key] ?? 'clean',
              confirmed: true,
            })),
            ...req.ids.map((key) => ({
              kind: 'id' as const,
              key,
              status: CODES[key] ?? 'clean',
              confirmed: true,
            })),
          ],
          names: req.names.flatMap((n, i) => matchName(n.text, i) ?? []),
          offline: false,
          dataVersion: 7,
        };
        return Promise.resolve(res);
      }
      case 'card':
        return Promise.resolve(CARD);
      case 'decide':
        bg.decides.push(req);
        return Promise.resolve({ ok: true, decisionId: 'dec_01TEST', outcome: 'reject' });
      default:
        return undefined;
    }
  });
  return bg;
}

export const ask: Ask = <R extends Request>(req: R) =>
  fakeBrowser.runtime.sendMessage(req) as Promise<ResponseOf[R['type']]>;

const running: PageController[] = [];

/** Stops every scanner a test started, so that the next test's page is not read by them. */
export function stopScanners(): void {
  for (const page of running.splice(0)) page.scanner.stop();
}

/** Scans `document` as the content script would, and waits for the first pass to complete. */
export async function scanDocument(opts: { banner?: boolean } = {}): Promise<PageController> {
  // happy-dom's events are all synthetic (isTrusted false); the browser test checks that a page's are refused.
  const page = await startPage(
    { doc: document, ask, banner: opts.banner ?? false, acceptsEvent: () => true },
    location.href,
  );
  if (!page) throw new Error('page not enabled');
  running.push(page);
  await page.whenIdle();
  return page;
}

export function badges(root: ParentNode = document): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>('credcheck-badge')];
}

export function attrs(el: Element): {
  status: string | null;
  match: string | null;
  code: string | null;
  name: string | null;
} {
  return {
    status: el.getAttribute('data-status'),
    match: el.getAttribute('data-match'),
    code: el.getAttribute('data-code'),
    name: el.getAttribute('data-name'),
  };
}

/** Lets queued mutations, slices and answers settle. */
export async function settle(page: PageController): Promise<void> {
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 0));
    await page.whenIdle();
  }
}

export { PageController };
