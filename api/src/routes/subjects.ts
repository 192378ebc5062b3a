import { classifyCode, cleanCode, validateResidentId, validateUSCC } from '@credcheck/sdk/identifiers';
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { personKey } from '../domain/person-key.ts';
import type { AppEnv } from '../http/env.ts';
import { problem } from '../http/problem.ts';
import { ProblemSchema, SubjectLookupSchema } from '../http/schemas.ts';
import { lookupView } from '../views/subject.ts';

const problemContent = { 'application/problem+json': { schema: ProblemSchema } };

const getSubject = createRoute({
  method: 'get',
  path: '/v1/subjects/{code}',
  tags: ['Lookups'],
  summary: 'Look up a subject by USCC or resident ID number',
  description:
    'Returns every list entry of the subject with its status at today’s date. Persons’ ID numbers and names are masked. A code whose check character fails is answered when it is on a list (with a warning) and rejected otherwise.',
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

export function subjectRoutes() {
  const app = new OpenAPIHono<AppEnv>();

  app.openapi(getSubject, async (c) => {
    const { store, clock, catalog, secrets } = c.var.deps;
    const cleaned = cleanCode(c.req.valid('param').code);
    const kind = classifyCode(cleaned);
    if (kind !== 'uscc' && kind !== 'resident-id') {
      return problem(c, 'invalid-code', {
        detail: 'Expected an 18-character Unified Social Credit Code or a resident ID number.',
        detailZh: '请输入18位统一社会信用代码或公民身份号码。',
        extra: { code: cleaned },
      }) as never;
    }
    const check = kind === 'uscc' ? validateUSCC(cleaned) : validateResidentId(cleaned);
    const key = kind === 'uscc' ? check.normalized : personKey(secrets.idHmacKey, check.normalized);
    const [subject, dataVersion] = await Promise.all([store.findSubjectByKey(key), store.currentSeq()]);

    if (
      !check.valid &&
      (!subject || check.failure?.check === 'length' || check.failure?.check === 'charset')
    ) {
      return problem(c, 'invalid-code', {
        detail: `${check.failure?.message ?? 'Invalid code.'} It is on no list.`,
        detailZh: `${check.failure?.messageZh ?? '代码无效。'}该代码不在任何名单中。`,
        extra: { code: kind === 'uscc' ? check.normalized : undefined, failure: check.failure },
      }) as never;
    }
    if (!subject) {
      return problem(c, 'subject-not-found', {
        detail: 'This subject is on no red or black list.',
        detailZh: '该主体不在任何红名单或黑名单中。',
        extra: { subjectStatus: 'clean', dataVersion, asOf: clock.today() },
      }) as never;
    }

    const entries = await store.listEntries(subject.id);
    const today = clock.today();
    const etag = `W/"${subject.id}-${Math.max(subject.seq, ...entries.map((e) => e.seq))}-${today}"`;
    c.header('ETag', etag);
    c.header('Cache-Control', 'no-cache');
    if (c.req.header('if-none-match') === etag) return c.body(null, 304) as never;

    const warnings = check.valid
      ? check.warnings
      : [
          `${check.failure?.message} This code is listed as it was published by the designator; confirm it against the registration record.`,
          ...check.warnings,
        ];
    return c.json(
      lookupView({
        subject,
        entries,
        today,
        dataVersion,
        catalog: catalog(),
        visibility: 'public',
        warnings,
      }),
      200,
    );
  });

  return app;
}
