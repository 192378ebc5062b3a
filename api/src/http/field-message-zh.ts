import type { z } from '@hono/zod-openapi';

const TYPE_ZH: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  boolean: '是/否',
  array: '列表',
  object: '对象',
  date: '日期',
};

/**
 * The Chinese line for one validation issue, from its code and limits (zod's own messages are
 * English). A custom check's message is the schema author's sentence: it is kept after a
 * Chinese lead-in rather than guessed at.
 */
export function fieldMessageZh(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      // zod leaves the input out of its issues; its message still says what it received.
      return /received undefined$/.test(issue.message)
        ? '必填项，不能省略'
        : `类型不对：应为${TYPE_ZH[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return issue.origin === 'string'
        ? Number(issue.minimum) <= 1
          ? '不能为空'
          : `太短：至少 ${issue.minimum} 个字符`
        : issue.origin === 'array'
          ? `至少 ${issue.minimum} 项`
          : `太小：不能小于 ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `太长：至多 ${issue.maximum} 个字符`
        : issue.origin === 'array'
          ? `至多 ${issue.maximum} 项`
          : `太大：不能大于 ${issue.maximum}`;
    case 'invalid_format':
      return '格式不对';
    case 'invalid_value':
      return `取值须为：${issue.values.map(String).join('、')}`;
    case 'unrecognized_keys':
      return `不认识的字段：${issue.keys.join('、')}`;
    case 'invalid_union':
      return '不符合任何一种允许的写法';
    case 'not_multiple_of':
      return `须为 ${issue.divisor} 的倍数`;
    default:
      return `不符合要求（${issue.message}）`;
  }
}
