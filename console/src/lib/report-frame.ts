/**
 * The credit report is a self-contained HTML page whose styles sit in a <style> element. Shown in
 * the console it lives in a sandboxed srcdoc frame, which inherits the console's CSP: scripts stay
 * off (no allow-scripts) and an inline <style> would be refused (style-src 'self'). Rather than
 * loosen the console's CSP, the console takes the stylesheet out of the page before showing it and
 * hands it to the frame through the CSSOM (a constructed stylesheet), which style-src does not govern.
 */

/** The text of every <style> element of the report, in document order. */
export function reportCss(doc: Pick<Document, 'querySelectorAll'>): string {
  return Array.from(doc.querySelectorAll('style'))
    .map((s) => s.textContent ?? '')
    .join('\n');
}

const STYLE = /<style\b[^>]*>([\s\S]*?)<\/style\s*>/gi;

/**
 * The report without its <style> elements, and their text. Plain text work, not DOMParser: with
 * DOMParser, Chromium still reported the report's <style> as a CSP violation of the console. The
 * report escapes every piece of data (no "<" from the data reaches its markup), so the only <style>
 * elements in it are its own.
 */
export function splitReportStyles(html: string): { html: string; css: string } {
  const css: string[] = [];
  const rest = html.replace(STYLE, (_, text: string) => {
    css.push(text);
    return '';
  });
  return { html: rest, css: css.join('\n') };
}

type FrameWindow = Window & { CSSStyleSheet: typeof CSSStyleSheet };

/** Applies the stylesheet inside the frame; false when the frame cannot be reached. */
export function styleReportFrame(frame: HTMLIFrameElement, css: string): boolean {
  const doc = frame.contentDocument;
  const win = frame.contentWindow as FrameWindow | null;
  if (!doc || !win || typeof win.CSSStyleSheet !== 'function' || !css) return false;
  // The sheet must be made by the frame's own window to be adopted by its document.
  const sheet = new win.CSSStyleSheet();
  sheet.replaceSync(css);
  doc.adoptedStyleSheets = [sheet];
  return true;
}
