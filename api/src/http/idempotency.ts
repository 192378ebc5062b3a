import { hash } from 'node:crypto';
import type { Context } from 'hono';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,128}$/;

/**
 * Runs a write once per (API key, Idempotency-Key): a repeat of the same request gets the first
 * answer back (`Idempotent-Replayed: true`) and writes nothing; the same key with another request
 * (method, path or body) is refused. Only successful answers are kept, so a refused write may be
 * retried with the same key. Without the header, or without an API key, the write simply runs.
 */
export async function idempotentWrite(
  c: Context<AppEnv>,
  body: unknown,
  status: 200 | 201,
  run: () => Promise<unknown>,
): Promise<Response> {
  const idemKey = c.req.header('idempotency-key');
  const keyId = c.get('principal')?.keyId ?? null;
  if (idemKey === undefined || keyId === null) return c.json(await run(), status);
  if (!IDEMPOTENCY_KEY.test(idemKey)) {
    return problem(c, 'validation-failed', {
      detail: 'Idempotency-Key must be 1 to 128 visible ASCII characters.',
      detailZh: 'Idempotency-Key 须为 1 至 128 个可见 ASCII 字符。',
      errors: [{ field: 'header.Idempotency-Key', message: 'invalid' }],
    });
  }
  const { store, clock } = c.get('deps');
  const requestHash = hash('sha256', `${c.req.method} ${c.req.path}\n${JSON.stringify(body)}`, 'hex');
  const replay = async () => {
    const first = await store.getIdempotentResponse(keyId, idemKey);
    if (first === null) return null;
    if (first.requestHash !== requestHash) {
      return problem(c, 'idempotency-key-reused', {
        detail: `This Idempotency-Key was used on ${first.at} for a different request.`,
        detailZh: `该幂等键已于 ${first.at} 用于另一请求。`,
      });
    }
    c.header('Idempotent-Replayed', 'true');
    return c.json(JSON.parse(first.response), status);
  };
  const replayed = await replay();
  if (replayed) return replayed;
  const result = await run();
  const kept = await store.putIdempotentResponse({
    keyId,
    idemKey,
    requestHash,
    response: JSON.stringify(result),
    at: clock.now().toISOString(),
  });
  // Two copies raced and both ran: the first kept answers both.
  if (!kept) return (await replay()) ?? c.json(result, status);
  return c.json(result, status);
}
