import { ApiError, buildUrl, type CallOptions, problemOf } from '../api/client.ts';
import { loadKey } from '../auth/session.ts';

/**
 * Files from the API (statistics CSV, report PDF and HTML). The key travels in a header, not a
 * cookie, so a plain link would be anonymous: the file is fetched with the key and handed to the
 * browser as a blob: URL behind <a download>, which the console's CSP does not restrict.
 */

const SAFE = /[^\p{L}\p{N}._-]+/gu;

/** A file name a reader can keep: no path separators, quotes or control characters. */
export function safeFileName(name: string): string {
  const cleaned = name
    .replace(SAFE, '-')
    .replace(/-+/g, '-')
    .replace(/-\./g, '.')
    .replace(/^[-.]+|-+$/g, '');
  return cleaned.slice(0, 120) || 'download';
}

/** The name in Content-Disposition (filename* first, as RFC 6266 says), else the fallback. */
export function filenameFromDisposition(header: string | null, fallback: string): string {
  if (header) {
    const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
    if (star?.[1]) {
      try {
        return safeFileName(decodeURIComponent(star[1].trim()));
      } catch {
        // Malformed percent-encoding: try the plain filename.
      }
    }
    const plain = /filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;\s]+)/.exec(header);
    const name = plain?.[1] ?? plain?.[2];
    if (name) return safeFileName(name);
  }
  return safeFileName(fallback);
}

export function statsCsvName(from: string, to: string): string {
  return safeFileName(`credcheck-stats-${from}-${to}.csv`);
}

export function reportFileName(code: string, scenario: string, ext: 'pdf' | 'html'): string {
  return safeFileName(`credit-report-${code}-${scenario}.${ext}`);
}

/** GET with the signed-in key and the given Accept; a failure throws ApiError like the API helper. */
export async function fetchWithKey(
  path: string,
  accept: string,
  opts: CallOptions = {},
  fetchImpl: typeof fetch = fetch,
  key: string | null = loadKey(sessionStore()),
): Promise<Response> {
  const headers: Record<string, string> = { Accept: accept };
  if (key) headers.Authorization = `Bearer ${key}`;
  let res: Response;
  try {
    res = await fetchImpl(buildUrl('', path, opts), {
      headers,
      credentials: 'omit',
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiError(0, null);
  }
  if (!res.ok) throw new ApiError(res.status, await problemOf(res));
  return res;
}

function sessionStore(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}

/** Hands a blob to the browser as a download named `name`. */
export function saveBlob(blob: Blob, name: string, doc: Document = document): void {
  const url = URL.createObjectURL(blob);
  const a = doc.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  doc.body.append(a);
  a.click();
  a.remove();
  // The download has started from the URL by now; revoking later frees the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
