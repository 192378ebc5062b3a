import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { type AuditVerification, verifyAuditLog } from '../audit/verify.ts';
import { commonErrors, security } from '../due-process/http.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import type { Store } from '../store/types.ts';

/**
 * The audit log for the console's administrators: the latest records (as `credcheck audit tail
 * --json` prints them) and the chain verification of `credcheck audit verify`.
 */

const Hash = z.string().regex(/^[0-9a-f]{64}$/);

const AuditRecordSchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actor: z.string().openapi({ description: 'An API key id, anonymous, cli, system, import:<actor>' }),
    action: z.string().openapi({ example: 'key.created' }),
    target: z.string(),
    detail: z.string().openapi({ description: 'JSON text, exactly as stored and hashed' }),
    prevHash: Hash,
    hash: Hash,
  })
  .openapi('AuditRecord');

const AuditPageSchema = z
  .object({
    head: z.object({ seq: z.number().int(), hash: Hash }).openapi({ description: 'The chain head row' }),
    items: z.array(AuditRecordSchema).openapi({ description: 'Newest first' }),
    nextBefore: z.number().int().nullable().openapi({ description: '`before` for the next (older) page' }),
  })
  .openapi('AuditPage');

const AuditBreakSchema = z
  .object({
    kind: z.enum(['gap', 'prev-hash', 'hash', 'truncated', 'head', 'anchor']),
    seq: z.number().int().openapi({ description: 'Where the chain breaks' }),
    expectedSeq: z.number().int().optional(),
    headSeq: z.number().int().optional(),
    expected: z.string().optional(),
    found: z.string().nullable().optional(),
  })
  .openapi('AuditBreak');

const AuditVerificationSchema = z
  .object({
    ok: z.boolean().openapi({ description: 'The log is the chain it claims to be' }),
    checked: z.number().int().openapi({ description: 'Records verified from seq 1' }),
    head: z
      .object({ seq: z.number().int(), hash: Hash })
      .openapi({ description: 'The last record that verified: keep its hash elsewhere, as an anchor' }),
    broken: AuditBreakSchema.nullable().openapi({ description: 'The first break, null when intact' }),
    ms: z.number().int().openapi({ description: 'How long the verification took' }),
  })
  .openapi('AuditVerification');

const tail = createRoute({
  method: 'get',
  path: '/v1/audit',
  tags: ['Administration'],
  summary: 'Audit log records, newest first',
  security,
  middleware: [requirePermission('audit')] as const,
  request: {
    query: z
      .object({
        before: z.coerce
          .number()
          .int()
          .min(1)
          .optional()
          .openapi({ description: 'Only records with a smaller seq' }),
        limit: z.coerce.number().int().min(1).max(1000).default(50),
      })
      .strict(),
  },
  responses: {
    200: { description: 'One page of records', content: { 'application/json': { schema: AuditPageSchema } } },
    ...commonErrors,
  },
});

const verify = createRoute({
  method: 'post',
  path: '/v1/audit/verify',
  tags: ['Administration'],
  summary: 'Verify the audit chain (as credcheck audit verify)',
  description:
    'Reads the whole log from seq 1, recomputes every hash and link and compares the end with the chain head; with `anchor` (a seq and hash kept elsewhere), a log rewritten from there on fails too. A million records take seconds; requests arriving meanwhile are still served, and a second verification asked meanwhile shares the running one.',
  security,
  middleware: [requirePermission('audit')] as const,
  request: {
    body: {
      required: false,
      content: {
        'application/json': {
          schema: z
            .object({
              anchor: z
                .object({ seq: z.number().int().min(1), hash: Hash })
                .strict()
                .optional(),
            })
            .strict()
            .openapi('AuditVerifyRequest'),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Whether the chain is intact, and where it breaks if not',
      content: { 'application/json': { schema: AuditVerificationSchema } },
    },
    ...commonErrors,
  },
});

/** Records read at a time: also the longest stretch verification holds the event loop on SQLite. */
const VERIFY_PAGE = 2000;

/**
 * SQLite answers synchronously: awaiting it never lets the event loop run, so a million-record
 * verification would hold it for seconds. Each page waits for the loop's next turn first.
 */
function yieldingReader(store: Store): Pick<Store, 'readAudit' | 'auditHead'> {
  return {
    auditHead: () => store.auditHead(),
    async readAudit(after, limit) {
      await new Promise((resolve) => setImmediate(resolve));
      return store.readAudit(after, limit);
    },
  };
}

export function auditRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  // One unanchored verification at a time per process: repeated clicks share it.
  let running: Promise<{ outcome: AuditVerification; ms: number }> | null = null;

  app.openapi(tail, async (c) => {
    const { store } = c.get('deps');
    const { before, limit } = c.req.valid('query');
    const head = await store.auditHead();
    const end = Math.min(before ?? head.seq + 1, head.seq + 1);
    const from = Math.max(0, end - 1 - limit);
    const count = end - 1 - from;
    const records =
      count > 0 ? (await store.readAudit(from, count)).filter((r) => r.seq < end).reverse() : [];
    const oldest = records.at(-1)?.seq ?? end;
    return c.json({ head, items: records, nextBefore: oldest > 1 ? oldest : null }, 200);
  });

  app.openapi(verify, async (c) => {
    const { store } = c.get('deps');
    const body: { anchor?: { seq: number; hash: string } } = c.req.valid('json') ?? {};
    const run = async () => {
      const started = performance.now();
      const outcome = await verifyAuditLog(yieldingReader(store), {
        pageSize: VERIFY_PAGE,
        ...(body.anchor ? { anchor: body.anchor } : {}),
      });
      return { outcome, ms: Math.round(performance.now() - started) };
    };
    let result: Awaited<ReturnType<typeof run>>;
    if (body.anchor) result = await run();
    else {
      running ??= run().finally(() => {
        running = null;
      });
      result = await running;
    }
    const { outcome, ms } = result;
    return c.json(
      {
        ok: outcome.broken === null,
        checked: outcome.checked,
        head: outcome.last,
        broken: outcome.broken,
        ms,
      },
      200,
    );
  });

  return app;
}
