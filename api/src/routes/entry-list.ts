import { normalizeName } from '@credcheck/sdk/names';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { ANONYMOUS, can, type Principal } from '../auth/roles.ts';
import type { Catalog } from '../domain/catalog.ts';
import { EntryStatus, ListKind, SubjectType } from '../domain/model.ts';
import { commonErrors, security } from '../due-process/http.ts';
import { EntryRecordSchema } from '../due-process/schemas.ts';
import { entryRecordView } from '../due-process/service.ts';
import { requirePermission } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { SubjectViewSchema } from '../http/schemas.ts';
import {
  ENTRY_SORTS,
  type EntryListCursor,
  type EntryListFilter,
  type EntryListRow,
  type EntrySort,
} from '../store/entry-list.ts';
import { subjectView } from '../views/subject.ts';

/**
 * Counting reads every matching row; past this many it stops and the answer says `totalExact:
 * false` with an estimate, so that a filter matching most of a million entries stays fast.
 */
export const EXACT_COUNT_UP_TO = 10_000;

const EntrySummarySchema = EntryRecordSchema.extend({ subject: SubjectViewSchema }).openapi('EntrySummary');

const EntryListSchema = z
  .object({
    dataVersion: z.number().int(),
    asOf: z.string(),
    items: z.array(EntrySummarySchema),
    nextCursor: z.string().nullable(),
    total: z.number().int().openapi({ description: 'Entries matching the filters (all pages)' }),
    totalExact: z.boolean().openapi({
      description: `False when more than ${EXACT_COUNT_UP_TO} entries match: total is then an estimate`,
    }),
  })
  .openapi('EntryList');

const ListQuery = z
  .object({
    department: z.string().min(1).max(200).optional().openapi({
      description: 'Admin only; a designator always lists its own department',
    }),
    listType: z.string().min(1).max(100).optional(),
    kind: ListKind.optional().openapi({ description: 'Red or black list' }),
    subjectType: SubjectType.optional().openapi({ description: 'Organizations or persons' }),
    status: EntryStatus.optional().openapi({ description: 'Status today (expired follows from validity)' }),
    q: z.string().trim().min(1).max(200).optional().openapi({
      description: 'A code prefix (USCC) or part of the name (normalized as names are)',
      example: '91500235',
    }),
    sort: z.enum(ENTRY_SORTS).default('publishedOn'),
    order: z.enum(['asc', 'desc']).default('desc'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z
      .string()
      .min(1)
      .max(2000)
      .optional()
      .openapi({ description: 'nextCursor of the previous page' }),
  })
  .strict();

const list = createRoute({
  method: 'get',
  path: '/v1/entries',
  tags: ['Designation'],
  summary: 'List entries: filter, sort and page (keyset cursor)',
  description:
    'Designators see their own department’s entries only; an admin sees all, or one department with `department`. Persons are masked as for the caller’s role. Paging follows `nextCursor`, which keeps the filters’ order: a page deep in the list costs what the first one does. `total` counts every match: exactly up to 10,000 or when only the department narrows the list, estimated otherwise (`totalExact: false`).',
  security,
  middleware: [requirePermission('list-entries')] as const,
  request: { query: ListQuery },
  responses: {
    200: { description: 'One page of entries', content: { 'application/json': { schema: EntryListSchema } } },
    ...commonErrors,
  },
});

type Cursor = [EntrySort, 'asc' | 'desc', string, string, string];

/** The cursor names its sort, so that it is never applied to another order. */
function encodeCursor(sort: EntrySort, order: 'asc' | 'desc', c: EntryListCursor): string {
  const value: Cursor = [sort, order, c.value, c.subjectId, c.entryId];
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function decodeCursor(text: string, sort: EntrySort, order: 'asc' | 'desc'): EntryListCursor | null {
  try {
    const v = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(v) || v.length !== 5 || !v.every((x) => typeof x === 'string')) return null;
    const [s, o, value, subjectId, entryId] = v as Cursor;
    if (s !== sort || o !== order) return null;
    return { value, subjectId, entryId };
  } catch {
    return null;
  }
}

/** A code prefix is matched on the key (upper case); any query is also matched in the normalized name. */
function parseQ(q: string): NonNullable<EntryListFilter['q']> {
  const codePrefix = /^[0-9A-Za-z]{1,18}$/.test(q) ? q.toUpperCase() : null;
  const norm = normalizeName(q);
  return { codePrefix, nameContains: norm === '' ? null : norm };
}

export function summaryOf(row: EntryListRow, today: string, catalog: Catalog | null, caller: Principal) {
  return {
    ...entryRecordView(row.entry, today, catalog),
    subject: subjectView(row.subject, can(caller, 'see-staff-mask') ? 'staff' : 'public'),
  };
}

export function entryListRoutes() {
  const app = new OpenAPIHono<AppEnv>();
  app.openapi(list, async (c) => {
    const caller = c.get('principal') ?? ANONYMOUS;
    const { store, clock, index, catalog } = c.get('deps');
    const q = c.req.valid('query');
    if (caller.role !== 'admin' && q.department !== undefined && q.department !== caller.department) {
      return problem(c, 'wrong-department', {
        detail: `Your key lists the entries of "${caller.department ?? '(none)'}" only.`,
        detailZh: `您的密钥只能查看“${caller.department ?? '（无）'}”的条目。`,
        extra: { department: q.department },
      }) as never;
    }
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor, q.sort, q.order);
    if (after === null) {
      return problem(c, 'validation-failed', {
        detail: 'The cursor is not one this list gave for this sort and order: start again without it.',
        detailZh: '分页游标无效或与当前排序不符，请去掉游标重新查询。',
        errors: [{ field: 'query.cursor', message: 'invalid for this sort and order' }],
      }) as never;
    }
    const today = clock.today();
    const department = caller.role === 'admin' ? q.department : caller.department!;
    const filter: EntryListFilter = {
      today,
      ...(department !== undefined ? { department } : {}),
      ...(q.listType !== undefined ? { listType: q.listType } : {}),
      ...(q.kind !== undefined ? { kind: q.kind } : {}),
      ...(q.subjectType !== undefined ? { subjectType: q.subjectType } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.q !== undefined ? { q: parseQ(q.q) } : {}),
    };
    const dataVersion = index.seq;
    // One more row than asked tells whether there is a next page.
    const [rows, count] = await Promise.all([
      store.listEntryPage({
        ...filter,
        sort: q.sort,
        order: q.order,
        limit: q.limit + 1,
        ...(after ? { after } : {}),
      }),
      store.countEntries(filter, EXACT_COUNT_UP_TO),
    ]);
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return c.json(
      {
        dataVersion,
        asOf: today,
        items: page.map((r) => summaryOf(r, today, catalog(), caller)),
        nextCursor: rows.length > q.limit && last ? encodeCursor(q.sort, q.order, last.cursor) : null,
        total: count.total,
        totalExact: count.exact,
      },
      200,
    ) as never;
  });
  return app;
}
