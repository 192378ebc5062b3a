/** The badge's and card's words, in the extension's UI language (Chinese by default). */
import type { BadgeStatus, MatchKind } from '../messages.ts';
import type { UiLocale } from '../settings/settings.ts';

interface StatusWords {
  icon: string;
  label: string;
  short: string;
}

/**
 * Icons differ in shape, not only colour, so the status reads without colour vision. All of them
 * are in GB2312, so every Chinese font has them (emoji such as ⛔ render as boxes on many desktops).
 */
const STATUS: Record<UiLocale, Record<BadgeStatus, StatusWords>> = {
  zh_CN: {
    black: { icon: '×', label: '黑名单', short: '黑' },
    suspended: { icon: '‖', label: '异议中（暂不惩戒）', short: '异议' },
    red: { icon: '★', label: '红名单', short: '红' },
    expired: { icon: '○', label: '已过期（仅历史记录）', short: '过期' },
    clean: { icon: '√', label: '未列入名单', short: '√' },
    invalid: { icon: '！', label: '请核对代码', short: '核对' },
    related: { icon: '→', label: '关联：上级单位已列入名单', short: '关联' },
    unknown: { icon: '？', label: '暂无法核验', short: '?' },
  },
  en: {
    black: { icon: '×', label: 'Blacklisted', short: 'Black' },
    suspended: { icon: '‖', label: 'Objection pending (suspended)', short: 'Susp.' },
    red: { icon: '★', label: 'Red list', short: 'Red' },
    expired: { icon: '○', label: 'Expired (history only)', short: 'Exp.' },
    clean: { icon: '√', label: 'Not listed', short: '√' },
    invalid: { icon: '！', label: 'Check this code', short: 'Check' },
    related: { icon: '→', label: 'Related: parent organization listed', short: 'Rel.' },
    unknown: { icon: '？', label: 'Could not check', short: '?' },
  },
};

const WORDS = {
  zh_CN: {
    possible: '疑似',
    possibleHint: '仅名称相同，请核对统一社会信用代码',
    pending: '核验中',
    byMatch: { code: '代码', id: '身份证号', name: '名称' } as Record<MatchKind, string>,
    listType: '名单类型',
    reason: '列入事由',
    designator: '认定部门',
    basis: '认定依据',
    validity: '有效期',
    openEnded: '长期',
    measures: '本场景惩戒/激励措施',
    noMeasures: '本场景无对应措施',
    noEntries: '未列入任何名单',
    objection: '异议申诉程序',
    decide: '生成核查决定',
    deciding: '正在生成…',
    decision: '决定编号',
    copy: '复制',
    copied: '已复制',
    noScenario: '未为此网站配置业务场景，无法生成决定',
    loading: '正在加载详情…',
    invalidHint: '校验位不符，代码可能录入有误，未查询',
    offline: '离线：依据上次同步的数据',
    close: '关闭',
    summary: '信用核查',
    checked: '已核查',
    jump: '跳转',
    dismiss: '关闭提示',
    ariaPrefix: '信用核查',
    entryStatus: {
      active: '有效',
      suspended: '异议中',
      expired: '已过期',
      repaired: '已信用修复',
      revoked: '已撤销',
    } as Record<string, string>,
    binding: { mandatory: '强制', recommended: '建议', optional: '可选' } as Record<string, string>,
  },
  en: {
    possible: 'Possible',
    possibleHint: 'Name only: confirm the unified social credit code',
    pending: 'Checking',
    byMatch: { code: 'code', id: 'ID number', name: 'name' } as Record<MatchKind, string>,
    listType: 'List',
    reason: 'Reason',
    designator: 'Designated by',
    basis: 'Basis',
    validity: 'Valid',
    openEnded: 'open-ended',
    measures: 'Measures in this scenario',
    noMeasures: 'No measures for this scenario',
    noEntries: 'Not on any list',
    objection: 'Objection procedure',
    decide: 'Request decision',
    deciding: 'Requesting…',
    decision: 'Decision id',
    copy: 'Copy',
    copied: 'Copied',
    noScenario: 'No scenario is configured for this site: no decision can be made',
    loading: 'Loading details…',
    invalidHint: 'The check character does not match: the code is probably mistyped and was not looked up',
    offline: 'Offline: from the last synced data',
    close: 'Close',
    summary: 'Credit check',
    checked: 'checked',
    jump: 'Go',
    dismiss: 'Dismiss',
    ariaPrefix: 'Credit check',
    entryStatus: {
      active: 'in force',
      suspended: 'suspended',
      expired: 'expired',
      repaired: 'repaired',
      revoked: 'revoked',
    } as Record<string, string>,
    binding: { mandatory: 'mandatory', recommended: 'recommended', optional: 'optional' } as Record<
      string,
      string
    >,
  },
};

export type Words = (typeof WORDS)['en'];

export function words(locale: UiLocale): Words {
  return WORDS[locale] ?? WORDS.zh_CN;
}

export function statusWords(locale: UiLocale, status: BadgeStatus): StatusWords {
  return (STATUS[locale] ?? STATUS.zh_CN)[status];
}
