/** Just enough XML for the parts of an XLSX workbook: entities, attributes, text runs. */

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#(\d+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** OOXML escapes characters XML cannot carry as _xHHHH_ (e.g. _x000D_ for a carriage return). */
const OOXML_ESCAPE = /_x([0-9A-Fa-f]{4})_/g;

export function decodeXml(text: string): string {
  let s = text;
  if (s.indexOf('&') >= 0) {
    s = s.replace(
      ENTITY,
      (_m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
        if (name) return NAMED[name]!;
        const code = hex ? Number.parseInt(hex, 16) : Number(dec);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
      },
    );
  }
  if (s.indexOf('_x') >= 0)
    s = s.replace(OOXML_ESCAPE, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return s;
}

export function encodeXml(text: string): string {
  return (
    text
      // Characters XML 1.0 cannot hold at all are dropped rather than producing an unreadable file.
      .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
  );
}

/** The value of attribute `name` in a start tag's attribute text, namespace prefix ignored. */
export function attr(tagText: string, name: string): string | undefined {
  const re = new RegExp(`(?:^|\\s)(?:[\\w.-]+:)?${name}\\s*=\\s*("([^"]*)"|'([^']*)')`);
  const m = re.exec(tagText);
  if (!m) return undefined;
  return decodeXml(m[2] ?? m[3] ?? '');
}

const T_RUN = /<(?:[\w.-]+:)?t(?:\s[^>]*)?>([\s\S]*?)<\/(?:[\w.-]+:)?t>|<(?:[\w.-]+:)?t(?:\s[^>]*)?\/>/g;
const PHONETIC = /<(?:[\w.-]+:)?rPh\b[\s\S]*?<\/(?:[\w.-]+:)?rPh>/g;

/** Text of a shared-string item or inline string: its <t> runs joined, phonetic guides left out. */
export function richText(xml: string): string {
  const body = xml.indexOf('rPh') >= 0 ? xml.replace(PHONETIC, '') : xml;
  let out = '';
  T_RUN.lastIndex = 0;
  for (let m = T_RUN.exec(body); m; m = T_RUN.exec(body)) out += m[1] ?? '';
  return decodeXml(out);
}
