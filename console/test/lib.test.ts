import { describe, expect, it } from 'vitest';
import { buildUrl, problemOf } from '../src/api/client.ts';
import { objectionWorkingDays, urgency } from '../src/lib/due-process.ts';
import { formatOf, reportOf } from '../src/lib/import-format.ts';
import { queryKind } from '../src/lib/lookup-kind.ts';
import { currentCursor, FIRST_PAGE, nextPage, previousPage } from '../src/lib/paging.ts';
import { fieldErrors, fieldLabel, problemText } from '../src/lib/problem.ts';
import { matchPath, relativePath } from '../src/lib/route-match.ts';
import { allowed, findRoute, homeFor } from '../src/routes.tsx';

describe('routes', () => {
  it('match patterns with parameters and nothing else', () => {
    expect(matchPath('entries/:id', 'entries/ent_1')).toEqual({ id: 'ent_1' });
    expect(matchPath('entries/:id', 'entries')).toBeNull();
    expect(matchPath('', '')).toEqual({});
    expect(matchPath('entries/:id', 'entries/%E0%A4%A')).toBeNull();
    expect(relativePath('/console/entries/', '/console/')).toBe('entries');
    expect(relativePath('/console/', '/console/')).toBe('');
  });

  it('prefer a fixed path over a parameter and keep department views from other roles', () => {
    expect(findRoute('entries/new')?.route.path).toBe('entries/new');
    expect(findRoute('entries/ent_9')?.params).toEqual({ id: 'ent_9' });
    expect(findRoute('nope')).toBeNull();
    const entries = findRoute('entries')!.route;
    expect(allowed(entries, null)).toBe(false);
    expect(allowed(entries, 'implementer')).toBe(false);
    expect(allowed(entries, 'designator')).toBe(true);
    expect(allowed(findRoute('')!.route, null)).toBe(true);
    expect(homeFor('designator')).toBe('entries');
    expect(homeFor('implementer')).toBe('');
  });
});

describe('keyset paging', () => {
  it('goes forward by the next cursor and back by the stack', () => {
    let s = FIRST_PAGE;
    expect(currentCursor(s)).toBeNull();
    s = nextPage(s, 'c1');
    s = nextPage(s, 'c2');
    expect(currentCursor(s)).toBe('c2');
    s = previousPage(s);
    expect(currentCursor(s)).toBe('c1');
    // Forward again from page 2 replaces whatever lay beyond it.
    s = nextPage(s, 'c2b');
    expect(s.cursors).toEqual([null, 'c1', 'c2b']);
    expect(nextPage(s, null)).toBe(s);
    expect(previousPage(FIRST_PAGE)).toBe(FIRST_PAGE);
  });
});

describe('problems', () => {
  const p = {
    type: '/problems/validation-failed',
    title: 'Validation failed / 请求参数不符合要求',
    status: 400,
    detail: 'The request is invalid: body.code: Required',
    detailZh: '请求参数不符合要求，请按 errors 所列字段修改后重试。',
    errors: [{ field: 'body.code', message: 'Required' }],
  };
  it('are shown in the reader’s language with the fields named as in the form', () => {
    expect(problemText(p, 'zh')).toEqual({
      title: '请求参数不符合要求',
      detail: p.detailZh,
      fields: [{ field: 'code', message: 'Required' }],
    });
    expect(problemText(p, 'en').title).toBe('Validation failed');
    expect(problemText(p, 'en').detail).toBe(p.detail);
    expect(fieldLabel('query.limit')).toBe('limit');
  });

  it('use the Chinese field message when the API gives one, the English one otherwise', () => {
    const q = { ...p, errors: [{ field: 'body.code', message: 'Required', messageZh: '必填项，不能省略' }] };
    expect(problemText(q, 'zh').fields).toEqual([{ field: 'code', message: '必填项，不能省略' }]);
    expect(problemText(q, 'en').fields).toEqual([{ field: 'code', message: 'Required' }]);
    expect(fieldErrors(q, 'zh')).toEqual({ code: '必填项，不能省略' });
    expect(fieldErrors(q)).toEqual({ code: 'Required' });
  });

  it('mark the form fields they name, several messages for one field joined', () => {
    expect(
      fieldErrors({
        ...p,
        errors: [
          { field: 'json.basis', message: 'Too small' },
          { field: 'body.code', message: 'bad length' },
          { field: 'body.code', message: 'bad check' },
        ],
      }),
    ).toEqual({ basis: 'Too small', code: 'bad length; bad check' });
    expect(fieldErrors(null)).toEqual({});
  });

  it('are read from problem+json answers only', async () => {
    const res = new Response(JSON.stringify(p), {
      status: 400,
      headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    });
    expect((await problemOf(res))?.type).toBe('/problems/validation-failed');
    expect(await problemOf(new Response('<html>', { headers: { 'content-type': 'text/html' } }))).toBeNull();
    expect(
      await problemOf(new Response('{"a":1}', { headers: { 'content-type': 'application/json' } })),
    ).toBeNull();
  });
});

describe('urls', () => {
  it('fill path parameters encoded and drop empty query values', () => {
    expect(
      buildUrl('', '/v1/entries/{id}', {
        params: { id: 'a/b' },
        query: { x: '', y: undefined, z: 0, q: '名' },
      }),
    ).toBe('/v1/entries/a%2Fb?z=0&q=%E5%90%8D');
    expect(() => buildUrl('', '/v1/entries/{id}')).toThrow(/id/);
  });
});

describe('queries', () => {
  it('look up codes and search names', () => {
    expect(queryKind(' 91500235ma5u3xxx0q ')).toEqual({ kind: 'code', value: '91500235MA5U3XXX0Q' });
    expect(queryKind('11010519491231002X').kind).toBe('code');
    expect(queryKind('重庆某某建设工程有限公司').kind).toBe('name');
    expect(queryKind('Acme Holdings').kind).toBe('name');
    expect(queryKind('   ').kind).toBe('empty');
  });
});

describe('due process', () => {
  it('gives the objection verification period from the shipped rules, with a list type’s override', () => {
    expect(objectionWorkingDays('no-such-type')).toBe(10);
    const rules = {
      defaults: { objection: { verifyWithinWorkingDays: 10 } },
      listTypes: { fast: { objection: { verifyWithinWorkingDays: 5 } } },
    };
    expect(objectionWorkingDays('fast', rules)).toBe(5);
    expect(objectionWorkingDays('other', rules)).toBe(10);
  });

  it('highlights overdue and nearly due pending requests only', () => {
    expect(urgency({ overdue: true, workingDaysLeft: -2 }, true)).toBe('overdue');
    expect(urgency({ overdue: false, workingDaysLeft: 1 }, true)).toBe('due-soon');
    expect(urgency({ overdue: false, workingDaysLeft: 8 }, true)).toBe('ok');
    expect(urgency({ overdue: true, workingDaysLeft: -2 }, false)).toBe('closed');
  });
});

describe('imports', () => {
  it('take the format from the file name', () => {
    expect(formatOf('entries.CSV')).toBe('csv');
    expect(formatOf('a.xlsx')).toBe('xlsx');
    expect(formatOf('a.jsonl')).toBe('ndjson');
    expect(formatOf('a.pdf')).toBeNull();
  });

  it('read the row report from a body or from a problem that carries one', () => {
    const report = {
      ok: false,
      rows: 3,
      errors: [{ line: 2, column: 'code', value: 'x', message: 'bad', messageZh: '错' }],
      errorCount: 1,
      warnings: [],
      warningCount: 0,
    };
    expect(reportOf(report)?.errors).toHaveLength(1);
    expect(reportOf({ type: '/problems/import-rejected', status: 422, report })?.rows).toBe(3);
    expect(reportOf({ type: '/problems/x', status: 400, errors: [{ field: 'a', message: 'b' }] })).toBeNull();
    expect(reportOf(null)).toBeNull();
  });
});
