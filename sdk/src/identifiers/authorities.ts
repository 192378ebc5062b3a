/** A label in both languages for one code value. */
export interface CodeLabel {
  nameZh: string;
  nameEn: string;
}

export interface RegistrationAuthority extends CodeLabel {
  /** Organisation types (position 2) this authority issues; null = any value is accepted. */
  types: Readonly<Record<string, CodeLabel>> | null;
}

/** Position 1 → authority, with its position-2 types. Pass your own to validateUSCC to narrow or widen it. */
export type KnownAuthorities = Readonly<Record<string, RegistrationAuthority>>;

const other: CodeLabel = { nameZh: '其他', nameEn: 'other' };

/**
 * GB 32100 table. 1, 5, 9 and Y are confirmed by several public implementations; the others are
 * in the standard but [unverified] here. They are still known by default because law firms (31…),
 * unions (81…) and the like appear in procurement data and a warning on each would be noise.
 */
export const DEFAULT_AUTHORITIES: KnownAuthorities = {
  '1': {
    nameZh: '机构编制',
    nameEn: 'establishment office',
    types: {
      '1': { nameZh: '机关', nameEn: 'government body' },
      '2': { nameZh: '事业单位', nameEn: 'public institution' },
      '3': {
        nameZh: '中央编办直接管理机构编制的群众团体',
        nameEn: 'mass organisation managed by the central establishment office',
      },
      '9': other,
    },
  },
  '2': {
    nameZh: '外交',
    nameEn: 'foreign affairs',
    types: { '1': { nameZh: '外国常驻新闻机构', nameEn: 'resident foreign news agency' }, '9': other },
  },
  '3': {
    nameZh: '司法行政',
    nameEn: 'judicial administration',
    types: {
      '1': { nameZh: '律师执业机构', nameEn: 'law firm' },
      '2': { nameZh: '公证处', nameEn: 'notary office' },
      '3': { nameZh: '基层法律服务所', nameEn: 'grassroots legal service office' },
      '4': { nameZh: '司法鉴定机构', nameEn: 'judicial appraisal institution' },
      '5': { nameZh: '仲裁委员会', nameEn: 'arbitration commission' },
      '9': other,
    },
  },
  '4': {
    nameZh: '文化',
    nameEn: 'culture',
    types: { '1': { nameZh: '外国在华文化中心', nameEn: 'foreign cultural centre in China' }, '9': other },
  },
  '5': {
    nameZh: '民政',
    nameEn: 'civil affairs',
    types: {
      '1': { nameZh: '社会团体', nameEn: 'social organisation' },
      '2': { nameZh: '民办非企业单位', nameEn: 'private non-enterprise unit' },
      '3': { nameZh: '基金会', nameEn: 'foundation' },
      '9': other,
    },
  },
  '6': {
    nameZh: '旅游',
    nameEn: 'tourism',
    types: {
      '1': { nameZh: '外国旅游部门常驻代表机构', nameEn: 'resident office of a foreign tourism authority' },
      '2': {
        nameZh: '港澳台地区旅游部门常驻内地（大陆）代表机构',
        nameEn: 'resident office of a Hong Kong, Macao or Taiwan tourism authority',
      },
      '9': other,
    },
  },
  '7': {
    nameZh: '宗教',
    nameEn: 'religious affairs',
    types: {
      '1': { nameZh: '宗教活动场所', nameEn: 'place of religious activity' },
      '2': { nameZh: '宗教院校', nameEn: 'religious college' },
      '9': other,
    },
  },
  '8': {
    nameZh: '工会',
    nameEn: 'trade union',
    types: { '1': { nameZh: '基层工会', nameEn: 'grassroots trade union' }, '9': other },
  },
  '9': {
    nameZh: '工商（市场监管）',
    nameEn: 'market regulation',
    types: {
      '1': { nameZh: '企业', nameEn: 'enterprise' },
      '2': { nameZh: '个体工商户', nameEn: 'individual business' },
      '3': { nameZh: '农民专业合作社', nameEn: "farmers' cooperative" },
    },
  },
  A: {
    nameZh: '中央军委改革和编制办公室',
    nameEn: 'Central Military Commission reform and establishment office',
    types: { '1': { nameZh: '军队事业单位', nameEn: 'military public institution' }, '9': other },
  },
  N: {
    nameZh: '农业',
    nameEn: 'agriculture',
    types: {
      '1': { nameZh: '组级集体经济组织', nameEn: 'group-level collective economic organisation' },
      '2': { nameZh: '村级集体经济组织', nameEn: 'village-level collective economic organisation' },
      '3': { nameZh: '乡镇级集体经济组织', nameEn: 'township-level collective economic organisation' },
      '9': other,
    },
  },
  Y: { nameZh: '其他', nameEn: 'other', types: null },
};

/** First two digits of GB/T 2260 province-level divisions (83 = Taiwan residents' permits). */
const PROVINCES = new Set([
  11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61,
  62, 63, 64, 65, 71, 81, 82, 83,
]);

/** Whether a 6-digit division code starts with a real province-level prefix. */
export function isKnownProvince(division: string): boolean {
  return PROVINCES.has(Number(division.slice(0, 2)));
}
