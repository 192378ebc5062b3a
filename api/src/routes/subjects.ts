import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS, can } from '../auth/roles.ts';
import type { AppEnv } from '../http/env.ts';
import { type Answer, answer, problemAnswer } from '../http/problem.ts';
import {
  BatchLookupRequestSchema,
  BatchLookupResponseSchema,
  MAX_BATCH_CODES,
  ProblemSchema,
  SubjectLookupSchema,
} from '../http/schemas.ts';
import type { AnswerCache } from '../lookup/answer-cache.ts';
import { batchLookupBody } from '../lookup/batch-answer.ts';
import { foundView, type LookupContext, lookupCode } from '../lookup/lookup.ts';
import type { Visibility } from '../views/subject.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

const getSubject = createRoute({
  method: 'get',
  path: '/v1/subjects/{code}',
  tags: ['Lookups'],
  summary: 'Look up a subject by USCC or resident ID number',
  description:
    'Returns every list entry of the subject with its status at today’s date. Persons’ ID numbers and names are masked (staff roles see the staff mask). A code whose check character fails is answered when it is on a list (with a warning) and rejected otherwise.',
  request: {
    params: z.object({
      code: z.string().min(1).max(64).openapi({
        example: '91110108MA0U94MT1P',
        description:
          'USCC (18 chars) or resident ID (18 or 15 digits); full-width, lower case and spaces tolerated',
      }),
    }),
  },
  responses: {
    200: {
      description: 'The subject and its entries',
      content: { 'application/json': { schema: SubjectLookupSchema } },
    },
    304: { description: 'Not modified since the ETag' },
    400: {
      description: 'Not a well-formed code, or a failing check character for a code on no list',
      content: problemContent,
    },
    404: { description: 'Well-formed code, not on any list (clean)', content: problemContent },
  },
});

const batchLookup = createRoute({
  method: 'post',
  path: '/v1/subjects/batch',
  tags: ['Lookups'],
  summary: `Look up to ${MAX_BATCH_CODES.toLocaleString('en')} codes at once`,
  description:
    'One item per code, in request order: found (with entries), not-found (clean) or invalid (with the failing check). All items are answered on the same data version.',
  request: {
    body: { required: true, content: { 'application/json': { schema: BatchLookupRequestSchema } } },
  },
  responses: {
    200: {
      description: 'One item per code',
      content: { 'application/json': { schema: BatchLookupResponseSchema } },
    },
    400: { description: 'Not a list of at most 10,000 strings', content: problemContent },
    413: { description: 'Body too large', content: problemContent },
  },
});

export function subjectRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(getSubject, (c) => {
    const ctx = lookupContext(c.get('deps'), visibilityOf(c.get('principal')));
    return answer(
      c,
      cachedLookupAnswer(
        ctx,
        c.get('deps').lookupAnswers,
        c.req.valid('param').code,
        c.req.header('if-none-match'),
        c.req.path,
      ),
    ) as never;
  });

  app.openapi(batchLookup, (c) => {
    const started = performance.now();
    const ctx = lookupContext(c.get('deps'), visibilityOf(c.get('principal')));
    const body = batchLookupBody(ctx, c.get('deps').lookupAnswers, c.req.valid('json').codes);
    // Integrators size their batches by this: lookup and serialization to bytes, without the network.
    c.header('Server-Timing', `app;dur=${(performance.now() - started).toFixed(1)}`);
    return c.body(body, 200, { 'content-type': 'application/json' }) as never;
  });

  return app;
}

/**
 * The answer to GET /v1/subjects/{code} as plain data, so that the Hono route and the hot lookup
 * lane (http/hot-lookup.ts) send the very same thing.
 */
export function answerLookup(
  ctx: LookupContext,
  code: string,
  ifNoneMatch: string | null | undefined,
  instance: string,
): Answer {
  const found = lookupCode(ctx, code);
  if (found.result === 'invalid') {
    const shape = found.failure.check === 'length' || found.failure.check === 'charset';
    return problemAnswer(
      'invalid-code',
      {
        detail: shape ? found.failure.message : `${found.failure.message} It is on no list.`,
        detailZh: shape ? found.failure.messageZh : `${found.failure.messageZh}该代码不在任何名单中。`,
        // Input of the wrong length or characters is not a code: not echoed (it may be a pasted secret).
        extra: { code: shape ? undefined : (found.code ?? undefined), failure: found.failure },
      },
      instance,
    );
  }
  if (found.result === 'not-found') {
    return problemAnswer(
      'subject-not-found',
      {
        detail: 'This subject is on no red or black list.',
        detailZh: '该主体不在任何红名单或黑名单中。',
        extra: { code: found.code, subjectStatus: 'clean', dataVersion: ctx.index.seq, asOf: ctx.today },
      },
      instance,
    );
  }
  const etag = `W/"${found.subject.id}-${found.etagSeq}-${ctx.today}-${ctx.visibility}"`;
  if (ifNoneMatch === etag) return notModified(etag);
  return {
    status: 200,
    body: JSON.stringify(foundView(ctx, found)),
    headers: { 'content-type': 'application/json', ETag: etag, 'Cache-Control': 'no-cache' },
  };
}

/**
 * answerLookup through the cache of serialized answers: the same answer, built once per data
 * version. The key holds everything the answer depends on besides that version.
 */
export function cachedLookupAnswer(
  ctx: LookupContext,
  cache: AnswerCache | undefined,
  code: string,
  ifNoneMatch: string | null | undefined,
  instance: string,
): Answer {
  if (cache === undefined) return answerLookup(ctx, code, ifNoneMatch, instance);
  const version = { seq: ctx.index.seq, today: ctx.today, catalog: ctx.catalog };
  const key = `${ctx.visibility} ${instance} ${code}`;
  let hit = cache.get(key, version);
  if (hit === undefined) {
    const built = answerLookup(ctx, code, null, instance);
    hit = cache.put(key, version, built, built.status === 200 ? (built.headers.ETag ?? null) : null);
  }
  if (hit.etag !== null && ifNoneMatch === hit.etag) return notModified(hit.etag);
  return { status: hit.status, body: hit.body, headers: hit.headers };
}

const notModified = (etag: string): Answer => ({
  status: 304,
  body: null,
  headers: { ETag: etag, 'Cache-Control': 'no-cache' },
});

export function visibilityOf(principal: AppEnv['Variables']['principal'] | undefined): Visibility {
  return can(principal ?? ANONYMOUS, 'see-staff-mask') ? 'staff' : 'public';
}

export function lookupContext(deps: AppEnv['Variables']['deps'], visibility: Visibility): LookupContext {
  return {
    index: deps.index.list,
    idHmacKey: deps.secrets.idHmacKey,
    today: deps.clock.today(),
    catalog: deps.catalog(),
    visibility,
  };
}
