import { hash } from 'node:crypto';
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ANONYMOUS } from '../auth/roles.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import { DueProcessError } from './errors.ts';
import type { DueProcessService } from './service.ts';

/** What the due-process routes share: their problem responses, the service, idempotent writes. */

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };
export const security = [{ bearerAuth: [] }];

export const commonErrors = {
  400: { description: 'Invalid request', content: problemContent },
  401: { description: 'Unknown or revoked API key', content: problemContent },
  403: {
    description: 'The key’s role lacks the permission, or the entry is another department’s',
    content: problemContent,
  },
  404: { description: 'No such entry or request (or not yours to see)', content: problemContent },
  429: { description: 'Rate limit reached; see Retry-After', content: problemContent },
};
export const conflictError = {
  409: {
    description: 'The entry’s or request’s state does not allow this (`reason` says why)',
    content: problemContent,
  },
};
export const writeErrors = {
  ...commonErrors,
  ...conflictError,
  422: {
    description: 'A rule of the list type refuses it, or the Idempotency-Key was used for another request',
    content: problemContent,
  },
};

export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().optional().openapi({
    description:
      'Repeating the same request with the same key (per API key) returns the first answer and changes nothing (header Idempotent-Replayed: true).',
    example: 'obj-2026-0042',
  }),
});

function serviceOf(c: Context<AppEnv>): DueProcessService {
  const service = c.get('deps').dueProcess;
  if (!service) {
    throw new DueProcessError(
      'service-unavailable',
      'The due process is not set up on this node.',
      '本节点未启用名单管理功能。',
    );
  }
  return service;
}

function asProblem(c: Context<AppEnv>, err: DueProcessError): Response {
  return problem(c, err.slug, {
    detail: err.message,
    detailZh: err.messageZh,
    ...(err.errors ? { errors: err.errors } : {}),
    extra: err.extra,
  });
}

/**
 * Runs a handler of the service and answers with its result, or with its DueProcessError as a
 * problem. A write sent with an Idempotency-Key is answered once: the same key and request again
 * get the first answer back, a different request with that key is refused (as for decisions).
 */
export async function respond<T>(
  c: Context<AppEnv>,
  status: 200 | 201,
  run: (service: DueProcessService) => Promise<T>,
  body?: unknown,
): Promise<Response> {
  try {
    const service = serviceOf(c);
    const idemKey = body === undefined ? undefined : c.req.header('idempotency-key');
    const keyId = (c.get('principal') ?? ANONYMOUS).keyId;
    if (idemKey === undefined || keyId === null) return c.json((await run(service)) as object, status);
    if (!/^[\x21-\x7e]{1,128}$/.test(idemKey)) {
      return problem(c, 'validation-failed', {
        detail: 'Idempotency-Key must be 1 to 128 visible ASCII characters.',
        detailZh: 'Idempotency-Key 须为 1 至 128 个可见 ASCII 字符。',
        errors: [{ field: 'header.Idempotency-Key', message: 'invalid' }],
      });
    }
    const { store, clock } = c.get('deps');
    const requestHash = hash('sha256', `${c.req.method} ${c.req.path}\n${JSON.stringify(body)}`, 'hex');
    const first = await store.getIdempotentResponse(keyId, idemKey);
    if (first) return replay(c, first, requestHash);
    const result = await run(service);
    const kept = await store.putIdempotentResponse({
      keyId,
      idemKey,
      requestHash,
      response: JSON.stringify({ status, body: result }),
      at: clock.now().toISOString(),
    });
    if (!kept) {
      const raced = await store.getIdempotentResponse(keyId, idemKey);
      if (raced) return replay(c, raced, requestHash);
    }
    return c.json(result as object, status);
  } catch (err) {
    if (err instanceof DueProcessError) return asProblem(c, err);
    throw err;
  }
}

function replay(
  c: Context<AppEnv>,
  first: { requestHash: string; response: string; at: string },
  requestHash: string,
) {
  if (first.requestHash !== requestHash) {
    return problem(c, 'idempotency-key-reused', {
      detail: `This Idempotency-Key was used on ${first.at} for a different request.`,
      detailZh: `该幂等键已于 ${first.at} 用于另一请求。`,
    });
  }
  const { status, body } = JSON.parse(first.response) as { status: 200 | 201; body: object };
  c.header('Idempotent-Replayed', 'true');
  return c.json(body, status);
}
