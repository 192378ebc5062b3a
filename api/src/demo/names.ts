import { type Rng, weightedTable } from './prng.ts';
import { namePrefixes, type Region } from './regions.ts';

/** Made-up trade names (字号): a rarer character with a common one, so they rarely hit real firms. */
const ZIHAO_RARE = [
  ...'澄岚翊衡沛珂霁禾砚朔筠棠璟岑昱澜骁栩琮峤溯湛嵘檀芮钧弈珩曦淞邺蔚皓祁岱渊瀚楠铖屹桓煜竺暄峪泓宸鹭',
];
const ZIHAO_COMMON = [...'鑫瑞恒泰宏盛华达源德润嘉博锦昊晟祥诚信丰景弘通远兴'];

const SURNAMES = [
  ...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤',
];
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林欢阳建国志海燕秀兰玉梅红永晓东春生德文博涵雨欣思远嘉怡',
];
/** Compound surnames appear now and then (欧阳, 司马 …). */
const COMPOUND_SURNAMES = ['欧阳', '司马', '上官', '诸葛', '东方'];

export function personName(rng: Rng): string {
  const surname = rng.chance(0.01) ? rng.pick(COMPOUND_SURNAMES) : rng.pick(SURNAMES);
  return surname + rng.pick(GIVEN) + (rng.chance(0.65) ? rng.pick(GIVEN) : '');
}

export function tradeName(rng: Rng): string {
  const a = rng.pick(ZIHAO_RARE);
  const b = rng.pick(ZIHAO_COMMON);
  return rng.chance(0.5) ? a + b : b + a;
}

export type Sector = 'construction' | 'goods' | 'services' | 'food' | 'transport';

/** Industry part of a name with its sector; the company form is added separately. */
const INDUSTRIES = weightedTable<readonly [Sector, string]>([
  [['construction', '建筑工程'], 10],
  [['construction', '建设工程'], 8],
  [['construction', '市政工程'], 5],
  [['construction', '路桥工程'], 4],
  [['construction', '园林绿化工程'], 4],
  [['construction', '装饰工程'], 4],
  [['construction', '水利水电工程'], 3],
  [['construction', '建筑劳务'], 3],
  [['construction', '消防工程'], 2],
  [['goods', '科技'], 6],
  [['goods', '信息技术'], 4],
  [['goods', '医疗器械'], 4],
  [['goods', '办公设备'], 3],
  [['goods', '商贸'], 6],
  [['goods', '电子科技'], 2],
  [['goods', '环保科技'], 2],
  [['goods', '智能科技'], 2],
  [['goods', '教学设备'], 2],
  [['goods', '进出口贸易'], 2],
  [['food', '食品'], 3],
  [['food', '餐饮管理'], 2],
  [['food', '农业开发'], 2],
  [['services', '物业管理'], 5],
  [['services', '工程监理咨询'], 3],
  [['services', '工程造价咨询'], 3],
  [['services', '保安服务'], 2],
  [['services', '检测技术'], 2],
  [['services', '招标代理'], 2],
  [['services', '人力资源服务'], 1],
  [['services', '文化传媒'], 2],
  [['transport', '物流'], 3],
  [['transport', '运输'], 2],
]);

const FORMS = weightedTable<string>([
  ['有限公司', 70],
  ['有限责任公司', 14],
  ['股份有限公司', 6],
  ['（集团）有限公司', 4],
]);

const SHOP_KINDS = [
  '建材经营部',
  '五金商行',
  '办公用品店',
  '电器维修部',
  '副食店',
  '汽车修理厂',
  '农资经营部',
  '餐馆',
];
const COOP_KINDS = ['农机专业合作社', '种植专业合作社', '苗木专业合作社', '养殖专业合作社', '茶叶专业合作社'];
const NONPROFIT_KINDS = ['职业技能培训学校', '社会工作服务中心', '养老服务中心', '幼儿园'];

export type OrgForm =
  | 'enterprise'
  | 'branch'
  | 'individual-business'
  | 'cooperative'
  | 'private-non-enterprise';

export interface OrgName {
  name: string;
  sector: Sector;
}

const PREFIXES: string[][] = [];

/** A plausible registered name for the organization form, registered in `region`. */
export function orgName(rng: Rng, region: Region, form: OrgForm): OrgName {
  let prefixes = PREFIXES[region.index];
  if (prefixes === undefined) {
    prefixes = namePrefixes(region);
    PREFIXES[region.index] = prefixes;
  }
  const zihao = tradeName(rng);
  switch (form) {
    case 'individual-business':
      return { name: `${prefixes[prefixes.length - 1]}${zihao}${rng.pick(SHOP_KINDS)}`, sector: 'goods' };
    case 'cooperative':
      return { name: `${prefixes[prefixes.length - 1]}${zihao}${rng.pick(COOP_KINDS)}`, sector: 'food' };
    case 'private-non-enterprise':
      return { name: `${prefixes[0]}${zihao}${rng.pick(NONPROFIT_KINDS)}`, sector: 'services' };
    default: {
      const [sector, industry] = rng.weighted(INDUSTRIES);
      const companyForm = rng.weighted(FORMS);
      const prefix = rng.pick(prefixes);
      // Some firms put the region after the trade name: 澄鑫（重庆）科技有限公司.
      const base =
        sector !== 'construction' && rng.chance(0.06)
          ? `${zihao}（${prefix.replace(/[市县]$/, '')}）${industry}${companyForm}`
          : `${prefix}${zihao}${industry}${companyForm}`;
      if (form === 'branch') {
        const place = region.county || region.city.replace(/市$/, '');
        return { name: `${base}${place}分公司`, sector };
      }
      return { name: base, sector };
    }
  }
}
