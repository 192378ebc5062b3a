import { deflateSync } from 'node:zlib';
import type { Block, ReportDocument, Tone } from './document.ts';
import type { QrMatrix } from './qr.ts';

/**
 * The report as a PDF, written directly: A4 pages of text in the predefined Adobe-GB1 CID font
 * STSong-Light (UniGB-UCS2-H encoding, not embedded: every PDF reader ships or substitutes it, so a
 * clean clone needs no font file), a ToUnicode map so that the text can be searched and copied,
 * and the QR code as filled rectangles. Data are written as hex strings: nothing in them can
 * break out of a text operator.
 */

const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = { left: 50, right: 50, top: 56, bottom: 60 };
const WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const LABEL_WIDTH = 108;

const COLORS: Record<Tone, string> = {
  black: '0 0 0',
  red: '0.69 0 0.125',
  suspended: '0.54 0.35 0',
  muted: '0.33 0.33 0.33',
  plain: '0.07 0.07 0.07',
};

/** Advance of a character in em: Adobe-GB1 CIDs 1–95 (ASCII) are given half width, everything else full. */
function advance(code: number): number {
  return code >= 0x20 && code <= 0x7e ? 0.5 : 1;
}

/** One UCS-2 code unit per character: outside the BMP (and control characters) become "?" / space. */
function codes(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    // U+00B7 is not in UniGB-UCS2-H; its GB 2312 twin (A1A4) is U+30FB there.
    out.push(cp > 0xffff ? 0x3f : cp < 0x20 || (cp >= 0x7f && cp < 0xa0) ? 0x20 : cp === 0xb7 ? 0x30fb : cp);
  }
  return out;
}

/** Breaks text into lines no wider than `width` points at `size`. */
function wrap(text: string, size: number, width: number): number[][] {
  const lines: number[][] = [];
  for (const paragraph of text.split('\n')) {
    const cs = codes(paragraph);
    let line: number[] = [];
    let w = 0;
    let lastSpace = -1;
    for (const c of cs) {
      const a = advance(c) * size;
      if (w + a > width && line.length > 0) {
        // Latin words move whole to the next line when they can; CJK breaks anywhere.
        if (c !== 0x20 && lastSpace > 0 && advance(c) < 1) {
          const rest = line.slice(lastSpace + 1);
          lines.push(line.slice(0, lastSpace));
          line = rest;
          w = rest.reduce((n, r) => n + advance(r) * size, 0);
        } else {
          lines.push(line);
          line = [];
          w = 0;
        }
        lastSpace = -1;
        if (c === 0x20 && line.length === 0) continue;
      }
      if (c === 0x20) lastSpace = line.length;
      line.push(c);
      w += a;
    }
    lines.push(line);
  }
  return lines;
}

const hex = (cs: number[]) => cs.map((c) => c.toString(16).padStart(4, '0')).join('');

class Pages {
  readonly pages: string[][] = [];
  /** Every UCS-2 code used, for the ToUnicode map. */
  readonly used = new Set<number>();
  private ops: string[] = [];
  y = 0;

  constructor(private readonly footer: (page: number) => string) {
    this.newPage();
  }

  newPage(): void {
    this.ops = [];
    this.pages.push(this.ops);
    this.y = PAGE.height - MARGIN.top;
  }

  /** Room for `h` points more on this page, or a new page. */
  need(h: number): void {
    if (this.y - h < MARGIN.bottom) this.newPage();
  }

  text(x: number, y: number, size: number, line: number[], color = COLORS.plain): void {
    for (const c of line) this.used.add(c);
    this.ops.push(`BT ${color} rg /F1 ${size} Tf ${x.toFixed(2)} ${y.toFixed(2)} Td <${hex(line)}> Tj ET`);
  }

  /** Wrapped text at x, flowing across pages; returns nothing, moves y. */
  flow(text: string, x: number, width: number, size: number, color?: string, leading = 1.45): void {
    for (const line of wrap(text, size, width)) {
      this.need(size * leading);
      this.y -= size * leading;
      this.text(x, this.y + size * 0.25, size, line, color);
    }
  }

  rule(y: number, weight = 0.6): void {
    this.ops.push(
      `${weight} w 0.4 0.4 0.4 RG ${MARGIN.left} ${y.toFixed(2)} m ${PAGE.width - MARGIN.right} ${y.toFixed(2)} l S`,
    );
  }

  raw(op: string): void {
    this.ops.push(op);
  }

  finish(): string[] {
    const n = this.pages.length;
    this.pages.forEach((ops, i) => {
      const lines = wrap(`${this.footer(i + 1)} · ${i + 1}/${n}`, 7, WIDTH);
      lines.forEach((line, k) => {
        for (const c of line) this.used.add(c);
        const y = 40 - k * 9.5;
        ops.push(`BT ${COLORS.muted} rg /F1 7 Tf ${MARGIN.left} ${y} Td <${hex(line)}> Tj ET`);
      });
    });
    return this.pages.map((ops) => ops.join('\n'));
  }
}

function fieldRows(p: Pages, rows: Array<[string, string]>, size: number): void {
  for (const [label, value] of rows) {
    const labelLines = wrap(label, size, LABEL_WIDTH - 6);
    const valueLines = wrap(value, size, WIDTH - LABEL_WIDTH);
    const n = Math.max(labelLines.length, valueLines.length);
    for (let i = 0; i < n; i++) {
      p.need(size * 1.5);
      p.y -= size * 1.5;
      const base = p.y + size * 0.3;
      if (labelLines[i]) p.text(MARGIN.left, base, size, labelLines[i]!, COLORS.muted);
      if (valueLines[i]) p.text(MARGIN.left + LABEL_WIDTH, base, size, valueLines[i]!);
    }
  }
  p.y -= 3;
}

function drawBlock(p: Pages, b: Block): void {
  switch (b.kind) {
    case 'heading':
      p.need(40);
      p.y -= 22;
      p.text(MARGIN.left, p.y, 12.5, codes(b.text));
      p.rule(p.y - 4);
      p.y -= 6;
      return;
    case 'subheading':
      p.need(30);
      p.y -= 6;
      p.flow(b.text, MARGIN.left, WIDTH, 10.5, COLORS[b.tone]);
      return;
    case 'fields':
      fieldRows(p, b.rows, 9.5);
      return;
    case 'para':
      p.flow(b.text, MARGIN.left, WIDTH, 9.5, COLORS[b.tone]);
      return;
    case 'list':
      for (const item of b.items) p.flow(`· ${item}`, MARGIN.left + 8, WIDTH - 8, 8.5, COLORS.muted, 1.4);
      p.y -= 3;
      return;
  }
}

/** The QR code at (x, y) (lower left), `side` points wide including the 4-module quiet zone. */
function drawQr(p: Pages, qr: QrMatrix, x: number, y: number, side: number): void {
  const module = side / (qr.size + 8);
  const ops = [
    'q 1 1 1 rg',
    `${x.toFixed(2)} ${y.toFixed(2)} ${side.toFixed(2)} ${side.toFixed(2)} re f`,
    '0 0 0 rg',
  ];
  for (let r = 0; r < qr.size; r++) {
    let c = 0;
    while (c < qr.size) {
      if (!qr.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < qr.size && qr.dark(r, c)) c++;
      const rx = x + (start + 4) * module;
      const ry = y + side - (r + 5) * module;
      ops.push(
        `${rx.toFixed(3)} ${ry.toFixed(3)} ${((c - start) * module).toFixed(3)} ${module.toFixed(3)} re`,
      );
    }
  }
  ops.push('f Q');
  p.raw(ops.join('\n'));
}

/** ToUnicode: each code maps to itself (the codes are UCS-2), in ranges that stay within one high byte. */
function toUnicode(used: Set<number>): string {
  const sorted = [...used].sort((a, b) => a - b);
  const ranges: Array<[number, number]> = [];
  for (const c of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && c === last[1] + 1 && c >> 8 === last[0] >> 8) last[1] = c;
    else ranges.push([c, c]);
  }
  const h = (n: number) => n.toString(16).padStart(4, '0');
  const chunks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) {
    const part = ranges.slice(i, i + 100);
    chunks.push(
      `${part.length} beginbfrange\n${part.map(([a, b]) => `<${h(a)}> <${h(b)}> <${h(a)}>`).join('\n')}\nendbfrange`,
    );
  }
  return `/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /CredCheck-UCS2 def
/CMapType 2 def
1 begincodespacerange
<0000> <FFFF>
endcodespacerange
${chunks.join('\n')}
endcmap
CMapName currentdict /CMap defineresource pop
end
end`;
}

export function reportPdf(doc: ReportDocument, qr: QrMatrix): Buffer {
  const p = new Pages(() => doc.footer);

  // Header: title and status on the left, the QR code on the right.
  const qrSide = 132;
  const top = p.y;
  drawQr(p, qr, PAGE.width - MARGIN.right - qrSide, top - qrSide + 8, qrSide);
  p.y -= 20;
  p.text(MARGIN.left, p.y, 22, codes(doc.title));
  p.y -= 12;
  p.flow(doc.status.text, MARGIN.left, WIDTH - qrSide - 16, 12, COLORS[doc.status.tone]);
  p.y -= 6;
  p.flow(doc.qrCaption, MARGIN.left, WIDTH - qrSide - 16, 8, COLORS.muted);
  p.y = Math.min(p.y, top - qrSide);
  p.rule(p.y, 1.2);

  for (const b of doc.blocks) drawBlock(p, b);

  drawBlock(p, { kind: 'heading', text: doc.receiptLabel });
  p.flow(doc.receipt, MARGIN.left, WIDTH, 6.5, COLORS.muted, 1.3);

  return assemble(p.finish(), toUnicode(p.used), doc.title);
}

/** Objects, cross-reference table and trailer. */
function assemble(contents: string[], cmap: string, title: string): Buffer {
  const objects: Buffer[] = [];
  const add = (body: string | Buffer) => {
    objects.push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    return objects.length;
  };
  const stream = (dict: string, data: Buffer) =>
    Buffer.concat([
      Buffer.from(`<< ${dict} /Length ${data.length} /Filter /FlateDecode >>\nstream\n`, 'latin1'),
      data,
      Buffer.from('\nendstream', 'latin1'),
    ]);

  const catalog = add('');
  const pages = add('');
  const descriptor = add(
    '<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>',
  );
  const cidFont = add(
    `<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /FontDescriptor ${descriptor} 0 R /DW 1000 /W [1 95 500] >>`,
  );
  const unicode = add(stream('', deflateSync(Buffer.from(cmap, 'latin1'))));
  const font = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H /Encoding /UniGB-UCS2-H /DescendantFonts [${cidFont} 0 R] /ToUnicode ${unicode} 0 R >>`,
  );
  const kids: number[] = [];
  for (const content of contents) {
    const c = add(stream('', deflateSync(Buffer.from(content, 'latin1'))));
    kids.push(
      add(
        `<< /Type /Page /Parent ${pages} 0 R /MediaBox [0 0 ${PAGE.width} ${PAGE.height}] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${c} 0 R >>`,
      ),
    );
  }
  objects[catalog - 1] = Buffer.from(`<< /Type /Catalog /Pages ${pages} 0 R >>`, 'latin1');
  objects[pages - 1] = Buffer.from(
    `<< /Type /Pages /Kids [${kids.map((k) => `${k} 0 R`).join(' ')}] /Count ${kids.length} >>`,
    'latin1',
  );
  const titleHex = `FEFF${codes(title)
    .map((c) => c.toString(16).padStart(4, '0'))
    .join('')}`;
  const info = add(`<< /Title <${titleHex}> /Producer (CredCheck) >>`);

  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  let offset = parts[0]!.length;
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(offset);
    const obj = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`, 'latin1'),
      body,
      Buffer.from('\nendobj\n', 'latin1'),
    ]);
    parts.push(obj);
    offset += obj.length;
  });
  const xref = [
    'xref',
    `0 ${objects.length + 1}`,
    '0000000000 65535 f ',
    ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n `),
    'trailer',
    `<< /Size ${objects.length + 1} /Root ${catalog} 0 R /Info ${info} 0 R >>`,
    'startxref',
    String(offset),
    '%%EOF',
    '',
  ].join('\n');
  parts.push(Buffer.from(xref, 'latin1'));
  return Buffer.concat(parts);
}
