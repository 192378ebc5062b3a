const MOBILE = /^(?:\+?86)?(1[\d*]{10})$/;
/** Area code: 010 and 02x have 3 digits, the rest 4; an extension after the number is dropped. */
const LANDLINE = /^\(?(0(?:10|2\d|[3-9]\d{2}))\)?-?([\d*]{7,8})(?:(?:-|转|ext\.?|x)[\d*]{1,6})?$/i;

/**
 * A phone number for display: a mobile shows first 3 + '****' + last 4 (138****5678); a landline
 * keeps its area code and the last 4 (010-****5678). Anything else keeps only its last 4 digits.
 * '*' counts as a digit place, so masking a masked number changes nothing.
 */
export function maskPhone(phone: string): string {
  const compact = String(phone ?? '').replace(/[\s\u00ad\u200b-\u200d\u2060\ufeff\u3000]/g, '');
  const mobile = MOBILE.exec(compact.replace(/[-()（）]/g, ''));
  if (mobile !== null) {
    const digits = mobile[1] as string;
    return digits.slice(0, 3) + '****' + digits.slice(7);
  }
  const landline = LANDLINE.exec(compact.replace(/[（]/g, '(').replace(/[）]/g, ')'));
  if (landline !== null) {
    const local = landline[2] as string;
    return `${landline[1]}-${'*'.repeat(local.length - 4)}${local.slice(-4)}`;
  }
  const places = compact.replace(/[^\d*]/g, '');
  if (places.length <= 4) return '*'.repeat(places.length);
  return '*'.repeat(places.length - 4) + places.slice(-4);
}
