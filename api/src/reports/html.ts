import type { Block, ReportDocument, Tone } from './document.ts';
import { type QrMatrix, qrSvg } from './qr.ts';

/**
 * The report as one self-contained HTML page: inline CSS (A4 print rules), the QR code as inline
 * SVG, no script and no external fetch (the Content-Security-Policy sent with it says so too).
 * Every piece of data goes through escapeHtml: list data may contain markup.
 */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** Sent with the page: nothing loads from anywhere, nothing runs. */
export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

const CSS = `
@page { size: A4; margin: 16mm 15mm 18mm; }
* { box-sizing: border-box; }
body { margin: 0; font: 10.5pt/1.55 "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, "WenQuanYi Micro Hei", serif; color: #111; background: #fff; }
main { max-width: 180mm; margin: 0 auto; padding: 10mm 0; }
header { display: flex; justify-content: space-between; gap: 8mm; align-items: flex-start; border-bottom: 2px solid #111; padding-bottom: 4mm; }
h1 { font-size: 20pt; margin: 0 0 2mm; letter-spacing: .1em; }
h2 { font-size: 12.5pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 1px solid #999; break-after: avoid; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
.status { display: inline-block; padding: 1mm 3mm; border: 1.5px solid currentColor; border-radius: 1mm; font-weight: bold; }
.tone-black { color: #000; background: #eee; }
.tone-red { color: #b00020; }
.tone-suspended { color: #8a5a00; }
.tone-muted { color: #555; }
dl { display: grid; grid-template-columns: 34mm 1fr; gap: .8mm 4mm; margin: 0 0 2mm; }
dt { color: #444; }
dd { margin: 0; overflow-wrap: anywhere; }
ul { margin: 1mm 0 2mm; padding-left: 5mm; color: #333; font-size: 9.5pt; }
section.entry, section.commitment { break-inside: avoid; }
.qr { width: 46mm; text-align: center; font-size: 7.5pt; color: #333; }
.qr svg { width: 46mm; height: 46mm; display: block; }
.receipt { font: 7pt/1.3 ui-monospace, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; color: #333; }
footer { margin-top: 8mm; padding-top: 2mm; border-top: 1px solid #999; font-size: 8.5pt; color: #444; }
@media screen { body { background: #f3f3f3; } main { background: #fff; padding: 12mm 15mm; margin: 8mm auto; box-shadow: 0 0 4px #aaa; } }
`;

function tone(t: Tone): string {
  return `tone-${t}`;
}

function block(b: Block): string {
  switch (b.kind) {
    case 'heading':
      return `<h2>${escapeHtml(b.text)}</h2>`;
    case 'subheading':
      return `<h3 class="${tone(b.tone)}">${escapeHtml(b.text)}</h3>`;
    case 'fields':
      return `<dl>${b.rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>`;
    case 'para':
      return `<p class="${tone(b.tone)}">${escapeHtml(b.text)}</p>`;
    case 'list':
      return `<ul>${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
  }
}

export function reportHtml(doc: ReportDocument, qr: QrMatrix): string {
  const body = doc.blocks.map(block).join('\n');
  return `<!doctype html>
<html lang="${doc.lang === 'zh' ? 'zh-CN' : 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(doc.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<header>
<div>
<h1>${escapeHtml(doc.title)}</h1>
<p class="status ${tone(doc.status.tone)}" data-status>${escapeHtml(doc.status.text)}</p>
</div>
<figure class="qr">${qrSvg(qr, escapeHtml(doc.receiptLabel))}<figcaption>${escapeHtml(doc.qrCaption)}</figcaption></figure>
</header>
${body}
<h2>${escapeHtml(doc.receiptLabel)}</h2>
<p class="receipt" data-receipt>${escapeHtml(doc.receipt)}</p>
<footer>${escapeHtml(doc.footer)}</footer>
</main>
</body>
</html>
`;
}
