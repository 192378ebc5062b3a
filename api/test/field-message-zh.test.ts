import { z } from '@hono/zod-openapi';
import { describe, expect, it } from 'vitest';
import { fieldMessageZh } from '../src/http/field-message-zh.ts';

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const r = schema.safeParse(value);
  if (r.success) throw new Error('expected a failure');
  return r.error.issues.map(fieldMessageZh);
};

describe('Chinese validation messages', () => {
  const body = z.strictObject({
    reason: z.string().min(1).max(5),
    count: z.number().int().min(1).max(10),
    kind: z.enum(['red', 'black']),
    items: z.array(z.string()).min(1),
    on: z.iso.date(),
  });
  const ok = { reason: 'a', count: 1, kind: 'red', items: ['x'], on: '2026-12-03' };

  it('names what is wrong for each kind of issue, never an English sentence', () => {
    expect(issuesOf(body, { ...ok, reason: undefined })).toEqual(['必填项，不能省略']);
    expect(issuesOf(body, { ...ok, reason: 3 })).toEqual(['类型不对：应为文本']);
    expect(issuesOf(body, { ...ok, reason: '' })).toEqual(['不能为空']);
    expect(issuesOf(body, { ...ok, reason: '123456' })).toEqual(['太长：至多 5 个字符']);
    expect(issuesOf(body, { ...ok, count: 0 })).toEqual(['太小：不能小于 1']);
    expect(issuesOf(body, { ...ok, count: 11 })).toEqual(['太大：不能大于 10']);
    expect(issuesOf(body, { ...ok, kind: 'blue' })).toEqual(['取值须为：red、black']);
    expect(issuesOf(body, { ...ok, items: [] })).toEqual(['至少 1 项']);
    expect(issuesOf(body, { ...ok, on: '03/12/2026' })).toEqual(['格式不对']);
    expect(issuesOf(body, { ...ok, extra: 1 })).toEqual(['不认识的字段：extra']);
  });

  it('keeps a custom check’s own sentence behind a Chinese lead-in', () => {
    const s = z.string().refine((v) => v === 'x', { message: 'must be x' });
    expect(issuesOf(s, 'y')).toEqual(['不符合要求（must be x）']);
  });
});
