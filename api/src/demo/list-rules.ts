import type { ListKind, SubjectType } from '../domain/model.ts';
import type { Sector } from './names.ts';
import type { Rng } from './prng.ts';
import { cityName, courtOf, customsOf, docPrefix, localName, type Region } from './regions.ts';

/** How one list type's entries are designated: who, on what document, why and for how long. */
export interface ListRule {
  code: string;
  kind: ListKind;
  subjects: readonly SubjectType[];
  designator(r: Region): string;
  basis(r: Region, rng: Rng, year: number): string;
  reasons: readonly string[];
  /** Years of publication; null = open-ended (until performance, or a standing honour). */
  validity: ReadonlyArray<number | null>;
  /** Sectors it typically hits, with weights; absent = any sector. */
  sectors?: Partial<Record<Sector, number>>;
}

const doc = (suffix: string, max: number) => (r: Region, rng: Rng, year: number) =>
  `${docPrefix(r)}${suffix}〔${year}〕${rng.int(1, max)}号`;

const BOTH: readonly SubjectType[] = ['org', 'person'];
const ORG: readonly SubjectType[] = ['org'];

export const LIST_RULES: readonly ListRule[] = [
  {
    code: 'dishonest-judgment-debtor',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => courtOf(r).name,
    basis: (r, rng, year) =>
      `（${year}）${courtOf(r).code}执${rng.chance(0.15) ? '恢' : ''}${rng.int(100, 9999)}号`,
    reasons: [
      '有履行能力而拒不履行生效法律文书确定义务',
      '违反财产报告制度',
      '以隐匿、转移财产等方法规避执行',
      '违反限制消费令',
      '以虚假诉讼、虚假仲裁等方法规避执行',
    ],
    validity: [2, 2, 3, null, null],
  },
  {
    code: 'major-tax-violation',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `国家税务总局${cityName(r)}税务局稽查局`,
    basis: doc('税稽罚', 300),
    reasons: ['虚开增值税专用发票', '偷税（逃避缴纳税款）', '虚开普通发票', '骗取出口退税', '逃避追缴欠税'],
    validity: [3],
  },
  {
    code: 'gov-procurement-serious-violation',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}财政局`,
    basis: doc('财采处', 80),
    reasons: [
      '提供虚假材料谋取中标、成交',
      '与其他供应商恶意串通投标',
      '向采购人、采购代理机构行贿或者提供其他不正当利益',
      '中标、成交后无正当理由拒不与采购人签订政府采购合同',
    ],
    validity: [1, 2, 3],
  },
  {
    code: 'wage-arrears-migrant-workers',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}人力资源和社会保障局`,
    basis: doc('人社欠薪', 60),
    reasons: [
      '克扣、无故拖欠农民工工资达到认定拒不支付劳动报酬罪数额标准',
      '因拖欠农民工工资违法行为引发群体性事件、极端事件造成严重不良社会影响',
    ],
    validity: [3],
    sectors: { construction: 8, services: 1, transport: 1 },
  },
  {
    code: 'work-safety-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}应急管理局`,
    basis: doc('应急罚', 120),
    reasons: [
      '发生较大及以上生产安全责任事故',
      '未按规定整改重大事故隐患且拒不执行执法决定',
      '无证或证照不全从事生产经营',
    ],
    validity: [3],
    sectors: { construction: 6, transport: 2, food: 1 },
  },
  {
    code: 'food-drug-safety-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}市场监督管理局`,
    basis: doc('市监食罚', 200),
    reasons: ['生产经营用非食品原料生产的食品', '生产销售假药、劣药情节严重', '在食品中添加非食用物质'],
    validity: [3],
    sectors: { food: 8, goods: 1 },
  },
  {
    code: 'market-regulation-serious-violation',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}市场监督管理局`,
    basis: doc('市监严违', 200),
    reasons: [
      '提交虚假材料或者采取其他欺诈手段隐瞒重要事实取得公司登记',
      '销售假冒注册商标的商品情节严重',
      '实施虚假广告情节严重',
    ],
    validity: [3],
  },
  {
    code: 'environmental-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${cityName(r)}生态环境局`,
    basis: doc('环罚', 150),
    reasons: ['通过暗管、渗井等逃避监管的方式违法排放污染物', '篡改、伪造自动监测数据', '未批先建且拒不改正'],
    validity: [3, null],
    sectors: { construction: 2, goods: 2, food: 1 },
  },
  {
    code: 'bidding-serious-violation',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}住房和城乡建设局`,
    basis: doc('建招罚', 90),
    reasons: ['围标串标', '出借借用资质投标', '恶意低价中标后不履约', '弄虚作假骗取中标'],
    validity: [1, 2, 3],
    sectors: { construction: 10, services: 2 },
  },
  {
    code: 'public-resource-trading-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${cityName(r)}公共资源交易监督管理局`,
    basis: doc('公管罚', 60),
    reasons: ['在公共资源交易活动中提供虚假材料', '串通投标、排斥其他投标人', '中标后擅自转包、违法分包'],
    validity: [1, 2, 3],
    sectors: { construction: 6, services: 2, goods: 1 },
  },
  {
    code: 'statistics-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}统计局`,
    basis: doc('统执罚', 40),
    reasons: ['提供不真实统计资料情节严重', '拒绝提供统计资料、经催报后仍未提供'],
    validity: [1, 2],
  },
  {
    code: 'national-defence-obligation',
    kind: 'black',
    subjects: ['person', 'org'],
    designator: (r) => `${localName(r)}人民政府征兵办公室`,
    basis: doc('征兵办', 30),
    reasons: ['拒绝、逃避兵役登记和体格检查', '被征集服现役后拒绝履行兵役义务', '阻挠公民履行兵役义务'],
    validity: [2],
  },
  {
    code: 'engineering-quality-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}住房和城乡建设局`,
    basis: doc('建质罚', 80),
    reasons: ['发生工程质量事故且负有主要责任', '使用不合格建筑材料、构配件', '违反工程建设强制性标准'],
    validity: [3, null],
    sectors: { construction: 10 },
  },
  {
    code: 'fire-safety-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => (r.county ? `${localName(r)}消防救援大队` : `${cityName(r)}消防救援支队`),
    basis: (r, rng, year) => `${docPrefix(r)}消行罚决字〔${year}〕${rng.int(1, 500)}号`,
    reasons: ['存在重大火灾隐患拒不整改', '占用、堵塞、封闭消防车通道情节严重', '发生火灾事故负有主要责任'],
    validity: [3, null],
  },
  {
    code: 'compulsory-certification-serious',
    kind: 'black',
    subjects: ORG,
    designator: (r) => `${r.province}市场监督管理局`,
    basis: doc('市监认罚', 60),
    reasons: ['未经认证擅自出厂、销售、进口强制性认证目录内的产品', '伪造、冒用认证证书和认证标志'],
    validity: [3, null],
    sectors: { goods: 10 },
  },
  {
    code: 'financial-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${cityName(r)}地方金融管理局`,
    basis: doc('金管罚', 50),
    reasons: ['非法集资', '恶意逃废金融债务', '违规代持债券'],
    validity: [null, 3],
  },
  {
    code: 'social-insurance-serious',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}人力资源和社会保障局`,
    basis: doc('社保罚', 80),
    reasons: ['恶意欠缴社会保险费', '拒不依法参加社会保险', '骗取社会保险基金支出'],
    validity: [2, 3],
  },
  {
    code: 'fiscal-fund-fraud',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}财政局`,
    basis: doc('财监', 40),
    reasons: ['项目申报中提供虚假材料骗取政府专项资金', '截留、挪用政府专项资金'],
    validity: [3, null],
  },
  {
    code: 'serious-dishonest-generic',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${localName(r)}社会信用体系建设领导小组办公室`,
    basis: doc('信用办', 30),
    reasons: ['经认定部门推送列入严重失信主体名单'],
    validity: [1, 3, null],
  },
  {
    code: 'customs-dishonest-enterprise',
    kind: 'black',
    subjects: ORG,
    designator: (r) => customsOf(r),
    basis: (r, rng, year) => `${customsOf(r).charAt(0)}关稽罚字〔${year}〕${rng.int(1, 400)}号`,
    reasons: ['走私违法行为被海关行政处罚金额超过100万元', '拖欠应缴税款、罚没款项'],
    validity: [2],
    sectors: { goods: 8, transport: 2 },
  },
  {
    code: 'industry-association-blacklist',
    kind: 'black',
    subjects: BOTH,
    designator: (r) => `${r.province}建筑业协会`,
    basis: doc('建协', 30),
    reasons: ['违反行业自律公约，经会员大会通报'],
    validity: [1, 2],
    sectors: { construction: 10 },
  },
  // Red lists.
  {
    code: 'a-grade-taxpayer',
    kind: 'red',
    subjects: ORG,
    designator: (r) => `国家税务总局${r.province}税务局`,
    basis: (_r, _rng, year) => `${year - 1}年度纳税信用A级纳税人名单`,
    reasons: ['纳税信用评价为A级'],
    validity: [1],
  },
  {
    code: 'customs-advanced-certified',
    kind: 'red',
    subjects: ORG,
    designator: (r) => customsOf(r),
    basis: (r, rng) =>
      `AEO认证证书 AEOCN${r.code.slice(0, 4)}${String(rng.int(0, 999_999)).padStart(6, '0')}`,
    reasons: ['经海关认证为高级认证企业'],
    validity: [null],
    sectors: { goods: 8, transport: 3, food: 1 },
  },
  {
    code: 'contract-abiding-enterprise',
    kind: 'red',
    subjects: ORG,
    designator: (r) => `${r.province}市场监督管理局`,
    basis: (_r, _rng, year) => `${year - 2}—${year - 1}年度“守合同重信用”企业公示名单`,
    reasons: ['连续两年被公示为“守合同重信用”企业'],
    validity: [2],
  },
  {
    code: 'integrity-model',
    kind: 'red',
    subjects: BOTH,
    designator: (r) => `${localName(r)}人民政府`,
    basis: doc('府发', 60),
    reasons: ['诚信经营典型', '获评县级以上诚信示范单位'],
    validity: [3, null],
  },
  {
    code: 'joint-incentive-target',
    kind: 'red',
    subjects: BOTH,
    designator: (r) => `${localName(r)}社会信用体系建设领导小组办公室`,
    basis: doc('信用办', 30),
    reasons: ['归集各认定部门红名单'],
    validity: [1, 2],
  },
  {
    code: 'moral-model-person',
    kind: 'red',
    subjects: ['person'],
    designator: (r) => `${localName(r)}精神文明建设委员会办公室`,
    basis: doc('文明办', 30),
    reasons: ['诚信道德模范', '中国好人', '优秀青年志愿者'],
    validity: [null],
  },
  {
    code: 'environmental-credit-excellent',
    kind: 'red',
    subjects: ORG,
    designator: (r) => `${cityName(r)}生态环境局`,
    basis: (_r, _rng, year) => `${year - 1}年度企业环境信用评价结果（环保诚信企业）`,
    reasons: ['企业环境信用评价为环保诚信企业'],
    validity: [1],
  },
  {
    code: 'harmonious-labour-enterprise',
    kind: 'red',
    subjects: ORG,
    designator: (r) => `${localName(r)}人力资源和社会保障局`,
    basis: doc('人社发', 80),
    reasons: ['劳动关系和谐企业'],
    validity: [3],
  },
  {
    code: 'quality-award-brand',
    kind: 'red',
    subjects: ORG,
    designator: (r) => `${localName(r)}人民政府`,
    basis: doc('府发', 60),
    reasons: ['获政府质量奖', '获评名牌产品'],
    validity: [3],
    sectors: { goods: 5, food: 3, construction: 1 },
  },
  {
    code: 'cultural-market-integrity',
    kind: 'red',
    subjects: ORG,
    designator: (r) => `${localName(r)}文化和旅游局`,
    basis: doc('文旅发', 40),
    reasons: ['文化市场诚信经营示范单位'],
    validity: [2],
    sectors: { services: 5 },
  },
  {
    code: 'honest-association-member',
    kind: 'red',
    subjects: BOTH,
    designator: (r) => `${r.province}建筑业协会`,
    basis: doc('建协', 30),
    reasons: ['行业协会推荐的诚信会员'],
    validity: [1],
    sectors: { construction: 10 },
  },
];

export const RULES_BY_CODE = new Map(LIST_RULES.map((r) => [r.code, r]));

/**
 * List types the demo never imports: computed by the platform (clean-record-3y), or written only
 * by the due process (commitment-breach: when a department finds a credit commitment breached).
 */
export const COMPUTED_LIST_TYPES = ['clean-record-3y', 'commitment-breach'] as const;
