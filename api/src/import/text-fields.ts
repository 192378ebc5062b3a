/** Free-text cells: trimmed, line breaks folded to spaces, invisible marks dropped, controls refused. */

/** Anything that needs more than a trim: control, format and replacement characters, surrogates. */
const SUSPICIOUS =
  /[\x00-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufffd\ud800-\udfff]/;
/** Line breaks and tabs inside a cell (Alt+Enter in Excel) become one space. */
const BREAKS = /\s*[\t\r\n\u2028\u2029]+\s*/g;
/** Zero-width characters, soft hyphens and directional marks copied from web pages: invisible, dropped. */
const INVISIBLE = /[\u00ad\u200b-\u200d\u200e\u200f\u2060\ufeff]/g;
/** What stays forbidden: C0/C1 controls and bidi embeddings/overrides/isolates that can disguise text. */
const FORBIDDEN = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2061-\u206f\ufffd]/;
/**
 * Half a character (a JSON file's "\uD800" escape): no database can store it, so it would be kept
 * as U+FFFD while the report and the index still showed the original.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface TextProblem {
  message: string;
  messageZh: string;
}

/** The cleaned text, or the problem with it (a string is the common case: no allocation). */
export function cleanText(raw: string | undefined, maxLength: number): string | TextProblem {
  if (raw === undefined) return '';
  let text = raw.trim();
  if (SUSPICIOUS.test(text)) {
    text = text.replace(BREAKS, ' ').replace(INVISIBLE, '').trim();
    const half = LONE_SURROGATE.exec(text);
    if (half) {
      const hex = half[0].charCodeAt(0).toString(16).toUpperCase();
      return {
        message: `contains half of a character (the unpaired surrogate U+${hex}) at position ${half.index + 1}`,
        messageZh: `第 ${half.index + 1} 个字符是不完整的字符（不成对的代理项 U+${hex}）`,
      };
    }
    const bad = FORBIDDEN.exec(text);
    if (bad) {
      const cp = bad[0].codePointAt(0)!;
      if (cp === 0xfffd) {
        return {
          message:
            'contains the replacement character �: the file was saved in another encoding or is damaged',
          messageZh: '包含替换字符 �：文件编码有误或已损坏',
        };
      }
      const hex = cp.toString(16).toUpperCase().padStart(4, '0');
      return {
        message: `contains the control character U+${hex} at position ${bad.index + 1}`,
        messageZh: `第 ${bad.index + 1} 个字符为控制字符 U+${hex}`,
      };
    }
  }
  if (text.length > maxLength) {
    return {
      message: `is ${text.length} characters long; at most ${maxLength} are allowed`,
      messageZh: `长度为 ${text.length} 个字符，最多允许 ${maxLength} 个`,
    };
  }
  return text;
}
