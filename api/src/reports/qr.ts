import qrcode from 'qrcode-generator';

/**
 * The QR code of a report: the receipt (a compact JWS, ASCII) in byte mode, at the highest error
 * correction that still fits (a printed page gets creased and stamped), so that a reader scans it
 * and checks it offline with the SDK's verifyReceipt and the published JWKS.
 */
export interface QrMatrix {
  /** QR version (1–40): the size is 17 + 4 × version modules. */
  version: number;
  level: 'M' | 'L';
  size: number;
  dark(row: number, col: number): boolean;
}

export function qrMatrix(text: string): QrMatrix {
  let last: unknown;
  for (const level of ['M', 'L'] as const) {
    try {
      const qr = qrcode(0, level);
      qr.addData(text, 'Byte');
      qr.make();
      const size = qr.getModuleCount();
      return { version: (size - 17) / 4, level, size, dark: (r, c) => qr.isDark(r, c) };
    } catch (err) {
      last = err;
    }
  }
  throw new Error(`the text (${text.length} bytes) does not fit in a QR code: ${String(last)}`);
}

/** Dark modules as one SVG path (a run of modules per row is one rectangle), with the 4-module quiet zone. */
export function qrSvg(m: QrMatrix, label: string): string {
  const q = 4;
  const parts: string[] = [];
  for (let r = 0; r < m.size; r++) {
    let c = 0;
    while (c < m.size) {
      if (!m.dark(r, c)) {
        c++;
        continue;
      }
      const start = c;
      while (c < m.size && m.dark(r, c)) c++;
      parts.push(`M${start + q} ${r + q}h${c - start}v1h-${c - start}z`);
    }
  }
  const n = m.size + 2 * q;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${n} ${n}" shape-rendering="crispEdges" role="img" aria-label="${label}"><rect width="${n}" height="${n}" fill="#fff"/><path fill="#000" d="${parts.join('')}"/></svg>`;
}
