import { browser } from 'wxt/browser';
import type { Request, ResponseOf, TabRequest } from '../src/messages.ts';
import { type Ask, startPage } from '../src/page/controller.ts';

// The background registers this script at runtime for the portals whose origin the user (or the
// policy) granted; the manifest grants no host access of its own.
export default defineContentScript({
  matches: ['https://credcheck.invalid/*'],
  registration: 'runtime',
  runAt: 'document_idle',
  async main(ctx) {
    const ask: Ask = <R extends Request>(req: R) =>
      browser.runtime.sendMessage(req) as Promise<ResponseOf[R['type']]>;
    const page = await startPage({ doc: document, ask }, location.href);
    if (!page || ctx.isInvalid) return;
    browser.runtime.onMessage.addListener((message: unknown, sender) => {
      if (sender.id !== browser.runtime.id) return undefined;
      const req = message as TabRequest | null;
      if (req?.type !== 'page-summary' && req?.type !== 'jump') return undefined;
      return Promise.resolve(page.answer(req));
    });
    // SPA navigation: history.pushState is invisible to content scripts, so WXT watches the URL.
    ctx.addEventListener(window, 'wxt:locationchange', ({ newUrl }) => void page.navigated(newUrl.href));
    ctx.onInvalidated(() => page.scanner.stop());
  },
});
