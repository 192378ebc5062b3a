import { randomUUID } from 'node:crypto';

const SAFE_ID = /^[\w.-]{1,64}$/;

/** The caller's X-Request-Id when it is safe to echo into logs and headers, else a fresh one. */
export function requestIdFrom(header: string | null | undefined): string {
  return header && SAFE_ID.test(header) ? header : randomUUID();
}
