// Heap readings for the extension benchmark over CDP: a page's, and the extension service
// worker's, each after a forced GC.
import type { BrowserContext, CDPSession, Page } from 'playwright-core';

export interface HeapUsage {
  /** Live JS heap after a full GC. */
  usedSize: number;
  /** Array buffers and other backing stores outside the JS heap (a decoded snapshot lives here). */
  backingStorageSize: number;
}

async function gcAndHeap(send: (method: string) => Promise<unknown>): Promise<HeapUsage> {
  await send('HeapProfiler.collectGarbage');
  const r = (await send('Runtime.getHeapUsage')) as Partial<HeapUsage>;
  return { usedSize: r.usedSize ?? Number.NaN, backingStorageSize: r.backingStorageSize ?? Number.NaN };
}

export async function pageHeap(context: BrowserContext, page: Page): Promise<HeapUsage> {
  const session = await context.newCDPSession(page);
  try {
    return await gcAndHeap((method) => session.send(method as 'Runtime.getHeapUsage'));
  } finally {
    await session.detach();
  }
}

/**
 * The service worker's heap. Playwright opens no CDP session on a worker, so this attaches to its
 * target from the browser session and speaks CDP through Target.sendMessageToTarget.
 */
export async function workerHeap(context: BrowserContext, workerUrl: string): Promise<HeapUsage> {
  const browser = context.browser();
  if (!browser) throw new Error('no browser behind this context');
  const session: CDPSession = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await session.send('Target.getTargets');
    const target = targetInfos.find((t) => t.type === 'service_worker' && t.url === workerUrl);
    if (!target) throw new Error(`no service worker target at ${workerUrl}`);
    const { sessionId } = await session.send('Target.attachToTarget', {
      targetId: target.targetId,
      flatten: false,
    });
    let next = 0;
    const pending = new Map<number, (result: unknown) => void>();
    session.on('Target.receivedMessageFromTarget', (e) => {
      if (e.sessionId !== sessionId) return;
      const msg = JSON.parse(e.message) as { id?: number; result?: unknown };
      if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
    });
    const send = (method: string): Promise<unknown> => {
      const id = ++next;
      const answered = new Promise<unknown>((resolve) => pending.set(id, resolve));
      void session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
      return answered;
    };
    return await gcAndHeap(send);
  } finally {
    await session.detach();
  }
}
