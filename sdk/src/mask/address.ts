/**
 * Characters that mark a unit below county level (street, road, number, village …). A county-level
 * name may start with one (路南区, 镇平县) but never holds one later, so excluding them from the rest
 * of the name keeps "长安镇长安市场" from being read as a county-level city.
 */
const BELOW_COUNTY = '镇乡街路道巷弄号村组栋幢楼室';
const NAME = `.[^${BELOW_COUNTY}*]`;

/** Province, prefecture and county levels, each optional, each short; matched from the start. */
const ADMIN_PREFIX = new RegExp(
  `^((?:${NAME}{1,8}?(?:省|自治区|特别行政区))?(?:${NAME}{0,9}?(?:自治州|地区|盟|市))?)` +
    `(${NAME}{0,14}?(?:区|县|旗|市))?`,
);

/**
 * An address for display: kept to county or district level, the rest replaced by '****'
 * (北京市西城区金融大街… → 北京市西城区****). Without a recognisable county it keeps the city or
 * province; with nothing recognisable everything is hidden. Masking a masked address changes nothing.
 */
export function maskAddress(address: string): string {
  const v = String(address ?? '').replace(/[\s\u00ad\u200b-\u200d\u2060\ufeff\u3000]/g, '');
  if (v === '') return '';
  const m = ADMIN_PREFIX.exec(v);
  const kept = m === null ? '' : (m[1] ?? '') + (m[2] ?? '');
  return kept.length === v.length ? v : kept + '****';
}
