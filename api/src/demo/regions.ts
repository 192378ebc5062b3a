import { type WeightedTable, weightedTable } from './prng.ts';

/**
 * Real GB/T 2260 divisions (the five local texts' places first, then a spread of provinces), so
 * that generated codes, courts and case numbers look like the ones designators publish.
 */
export interface Region {
  /** Position in REGIONS, for per-region lookup tables. */
  index: number;
  /** Six-digit division code. */
  code: string;
  /** 重庆市, 山东省, 新疆维吾尔自治区 */
  province: string;
  /** Prefecture-level city, '' for a district or county of a municipality. */
  city: string;
  /** County or district, '' for a city itself. */
  county: string;
  weight: number;
}

type Row = [code: string, province: string, city: string, county: string, weight: number];

const ROWS: Row[] = [
  ['500235', '重庆市', '', '云阳县', 30],
  ['500112', '重庆市', '', '渝北区', 12],
  ['500103', '重庆市', '', '渝中区', 6],
  ['371300', '山东省', '临沂市', '', 14],
  ['371302', '山东省', '临沂市', '兰山区', 10],
  ['371312', '山东省', '临沂市', '河东区', 5],
  ['420700', '湖北省', '鄂州市', '', 18],
  ['420704', '湖北省', '鄂州市', '鄂城区', 8],
  ['650200', '新疆维吾尔自治区', '克拉玛依市', '', 12],
  ['650203', '新疆维吾尔自治区', '克拉玛依市', '克拉玛依区', 6],
  ['130528', '河北省', '邢台市', '宁晋县', 20],
  ['130500', '河北省', '邢台市', '', 6],
  ['110108', '北京市', '', '海淀区', 8],
  ['110105', '北京市', '', '朝阳区', 6],
  ['310110', '上海市', '', '杨浦区', 5],
  ['310115', '上海市', '', '浦东新区', 7],
  ['440300', '广东省', '深圳市', '', 6],
  ['440305', '广东省', '深圳市', '南山区', 5],
  ['440106', '广东省', '广州市', '天河区', 5],
  ['120116', '天津市', '', '滨海新区', 4],
  ['130100', '河北省', '石家庄市', '', 4],
  ['140105', '山西省', '太原市', '小店区', 2],
  ['210102', '辽宁省', '沈阳市', '和平区', 2],
  ['320106', '江苏省', '南京市', '鼓楼区', 4],
  ['320583', '江苏省', '苏州市', '昆山市', 3],
  ['330106', '浙江省', '杭州市', '西湖区', 4],
  ['330782', '浙江省', '金华市', '义乌市', 3],
  ['340104', '安徽省', '合肥市', '蜀山区', 2],
  ['350102', '福建省', '福州市', '鼓楼区', 2],
  ['360111', '江西省', '南昌市', '青山湖区', 2],
  ['370102', '山东省', '济南市', '历下区', 4],
  ['410105', '河南省', '郑州市', '金水区', 4],
  ['420106', '湖北省', '武汉市', '武昌区', 5],
  ['430104', '湖南省', '长沙市', '岳麓区', 3],
  ['450103', '广西壮族自治区', '南宁市', '青秀区', 2],
  ['510107', '四川省', '成都市', '武侯区', 5],
  ['512081', '四川省', '资阳市', '简阳市', 2],
  ['520102', '贵州省', '贵阳市', '南明区', 2],
  ['530102', '云南省', '昆明市', '五华区', 2],
  ['610113', '陕西省', '西安市', '雁塔区', 3],
  ['620102', '甘肃省', '兰州市', '城关区', 1],
  ['650102', '新疆维吾尔自治区', '乌鲁木齐市', '天山区', 4],
];

export const REGIONS: readonly Region[] = ROWS.map(([code, province, city, county, weight], index) => ({
  index,
  code,
  province,
  city,
  county,
  weight,
}));

export const WEIGHTED_REGIONS: WeightedTable<Region> = weightedTable(
  REGIONS.map((r) => [r, r.weight] as const),
);

const ABBR: Record<string, string> = {
  '11': '京',
  '12': '津',
  '13': '冀',
  '14': '晋',
  '21': '辽',
  '31': '沪',
  '32': '苏',
  '33': '浙',
  '34': '皖',
  '35': '闽',
  '36': '赣',
  '37': '鲁',
  '41': '豫',
  '42': '鄂',
  '43': '湘',
  '44': '粤',
  '45': '桂',
  '50': '渝',
  '51': '川',
  '52': '黔',
  '53': '云',
  '61': '陕',
  '62': '甘',
  '65': '新',
};

const CUSTOMS: Record<string, string> = {
  '11': '北京海关',
  '12': '天津海关',
  '13': '石家庄海关',
  '14': '太原海关',
  '21': '沈阳海关',
  '31': '上海海关',
  '32': '南京海关',
  '33': '杭州海关',
  '34': '合肥海关',
  '35': '福州海关',
  '36': '南昌海关',
  '37': '青岛海关',
  '41': '郑州海关',
  '42': '武汉海关',
  '43': '长沙海关',
  '44': '深圳海关',
  '45': '南宁海关',
  '50': '重庆海关',
  '51': '成都海关',
  '52': '贵阳海关',
  '53': '昆明海关',
  '61': '西安海关',
  '62': '兰州海关',
  '65': '乌鲁木齐海关',
};

const isMunicipality = (r: Region) => r.city === '';

/** The place as its own authorities write it: 重庆市云阳县, 临沂市兰山区, 宁晋县, 鄂州市. */
export function localName(r: Region): string {
  if (isMunicipality(r)) return r.province + r.county;
  if (r.county === '') return r.city;
  // A county's own bodies drop the prefecture (宁晋县人民法院); a district's keep it (临沂市兰山区).
  return r.county.endsWith('县') || r.county.endsWith('市') ? r.county : r.city + r.county;
}

/** The prefecture-level place (or the municipality). */
export function cityName(r: Region): string {
  return isMunicipality(r) ? r.province : r.city;
}

export function provinceAbbr(r: Region): string {
  return ABBR[r.code.slice(0, 2)] ?? '';
}

export function customsOf(r: Region): string {
  return CUSTOMS[r.code.slice(0, 2)] ?? '海关总署';
}

/** One character for document numbers: 云 for 云阳县, 临 for 临沂市, 海 for 北京市海淀区. */
export function docPrefix(r: Region): string {
  const place = isMunicipality(r)
    ? r.county
    : r.county.endsWith('县') || r.county === ''
      ? r.county || r.city
      : r.county;
  return (place || r.province).charAt(0);
}

/** The court for the region and the code it puts in case numbers (渝0235, 鲁13). */
export function courtOf(r: Region): { name: string; code: string } {
  if (r.county === '') return { name: `${r.city}中级人民法院`, code: provinceAbbr(r) + r.code.slice(2, 4) };
  return { name: `${localName(r)}人民法院`, code: provinceAbbr(r) + r.code.slice(2, 6) };
}

/** Prefixes a company registered there may carry: 云阳县, 重庆; 临沂市, 临沂, 山东. */
export function namePrefixes(r: Region): string[] {
  const shortProvince = r.province.replace(/(省|市|壮族自治区|维吾尔自治区|回族自治区|自治区)$/, '');
  if (isMunicipality(r))
    return [shortProvince, shortProvince, r.county.endsWith('县') ? r.county : shortProvince];
  const city = r.city.replace(/市$/, '');
  const out = [r.city, city, shortProvince];
  if (r.county.endsWith('县') || r.county.endsWith('市')) out.push(r.county);
  return out;
}
