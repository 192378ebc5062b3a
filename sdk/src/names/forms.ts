/**
 * Company-form suffixes in normalized spelling (ASCII brackets, simplified, upper-case Latin),
 * longest first so that 股份有限公司 wins over 有限公司 and 公司.
 */
export const COMPANY_FORM_SUFFIXES: readonly string[] = [
  '(集团)股份有限公司',
  '集团股份有限公司',
  '(集团)有限责任公司',
  '集团有限责任公司',
  '(集团)有限公司',
  '集团有限公司',
  '股份有限公司',
  '有限责任公司',
  '股份合作公司',
  '有限公司',
  '事务所(特殊普通合伙)',
  '事务所(普通合伙)',
  '事务所(有限合伙)',
  '合伙企业(特殊普通合伙)',
  '合伙企业(有限合伙)',
  '合伙企业(普通合伙)',
  '(特殊普通合伙)',
  '(有限合伙)',
  '(普通合伙)',
  '个人独资企业',
  '合伙企业',
  '股份合作社',
  '专业合作社',
  '合作社',
  '经营部',
  '事务所',
  '集团',
  '公司',
  '中心',
  '厂',
  '店',
  '部',
  'COMPANYLIMITED',
  'CORPORATION',
  'LIMITED',
  'COLTD',
  'CORP',
  'GMBH',
  'LTD',
  'LLC',
  'INC',
].sort((a, b) => b.length - a.length);

export type BranchKind = '分公司' | '分行' | '支行' | '办事处' | '分店' | '分所' | '营业部' | '分厂';

/** Branch-unit endings; a name ending in one is a branch only if a legal entity's name precedes it. */
export const BRANCH_KINDS: readonly BranchKind[] = [
  '分公司',
  '营业部',
  '办事处',
  '分行',
  '支行',
  '分店',
  '分所',
  '分厂',
];

/**
 * What ends a legal entity's name inside a branch name: 中国建设银行股份有限公司|北京市分行,
 * 某某律师事务所|上海分所, 中国银行|北京分行, 某某会计师事务所(特殊普通合伙)|深圳分所.
 */
export const PARENT_ENDINGS: readonly string[] = [
  '公司',
  '银行',
  '事务所',
  '集团',
  '合作社',
  '(特殊普通合伙)',
  '(有限合伙)',
  '(普通合伙)',
  '合伙企业',
  '个人独资企业',
  '厂',
];
