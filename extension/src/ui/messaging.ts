/** Typed requests from the extension's own pages to the background (src/messages.ts). */
import { browser } from 'wxt/browser';
import type { Request, ResponseOf } from '../messages.ts';

export async function ask<T extends Request['type']>(
  request: Extract<Request, { type: T }>,
): Promise<ResponseOf[T] | undefined> {
  return (await browser.runtime.sendMessage(request)) as ResponseOf[T] | undefined;
}
