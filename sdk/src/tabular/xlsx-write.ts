import { encodeXml } from './xml-text.ts';
import { ZipWriter } from './zip-write.ts';

export type XlsxCell = string | number | null | undefined;

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`;
/** Style 0 is plain, style 1 bold (header row). */
const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`;

const workbookXml = (sheetName: string) =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="${encodeXml(sheetName.slice(0, 31))}" sheetId="1" r:id="rId1"/></sheets></workbook>`;

export interface XlsxWriteOptions {
  sheetName?: string;
  /** Show the first row in bold and freeze it (a header). */
  header?: boolean;
}

/**
 * Writes a one-sheet XLSX that Excel and WPS open, streaming rows into the archive. Strings are
 * written inline (no shared-string table to hold in memory); codes stay text, so Excel never turns
 * an 18-digit ID into 9.11E+17.
 */
export async function writeXlsx(
  path: string,
  rows: AsyncIterable<XlsxCell[]> | Iterable<XlsxCell[]>,
  opts: XlsxWriteOptions = {},
): Promise<void> {
  const zip = new ZipWriter(path);
  try {
    await zip.add('[Content_Types].xml', [CONTENT_TYPES]);
    await zip.add('_rels/.rels', [ROOT_RELS]);
    await zip.add('xl/workbook.xml', [workbookXml(opts.sheetName ?? 'Sheet1')]);
    await zip.add('xl/_rels/workbook.xml.rels', [WORKBOOK_RELS]);
    await zip.add('xl/styles.xml', [STYLES]);
    await zip.add('xl/worksheets/sheet1.xml', sheetXml(rows, opts.header ?? false));
    await zip.close();
  } catch (err) {
    zip.destroy();
    throw err;
  }
}

async function* sheetXml(
  rows: AsyncIterable<XlsxCell[]> | Iterable<XlsxCell[]>,
  header: boolean,
): AsyncGenerator<string> {
  const freeze = header
    ? '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
    : '';
  yield `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">${freeze}<sheetData>`;
  let r = 0;
  let batch = '';
  for await (const row of rows) {
    r++;
    const style = header && r === 1 ? ' s="1"' : '';
    let xml = `<row r="${r}">`;
    for (let c = 0; c < row.length; c++) {
      const v = row[c];
      if (v === null || v === undefined || v === '') continue;
      const ref = columnName(c) + r;
      if (typeof v === 'number' && Number.isFinite(v)) xml += `<c r="${ref}"${style}><v>${v}</v></c>`;
      else
        xml += `<c r="${ref}"${style} t="inlineStr"><is><t xml:space="preserve">${encodeXml(String(v))}</t></is></c>`;
    }
    batch += `${xml}</row>`;
    if (batch.length > 1 << 16) {
      yield batch;
      batch = '';
    }
  }
  yield `${batch}</sheetData></worksheet>`;
}

/** 0 → A, 25 → Z, 26 → AA. */
export function columnName(index: number): string {
  let n = index + 1;
  let s = '';
  while (n > 0) {
    const m = (n - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    n = Math.floor((n - 1) / 26);
  }
  return s;
}
