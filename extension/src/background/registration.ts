/**
 * The content script runs only on portals the user (or the policy) named and whose origin the
 * browser granted: it is registered at runtime for exactly those patterns, and registered again
 * whenever the settings or the granted permissions change.
 */
import { browser } from 'wxt/browser';
import { type PortalRule, permissionOrigin } from '../settings/settings.ts';

export const CONTENT_SCRIPT_ID = 'credcheck-portals';
export const CONTENT_SCRIPT_FILE = 'content-scripts/content.js';

/** The portal patterns whose origin the extension may access, each once. */
export async function grantedPatterns(portals: readonly PortalRule[]): Promise<string[]> {
  const out: string[] = [];
  for (const { pattern } of portals) {
    const origin = permissionOrigin(pattern);
    if (!origin || out.includes(pattern)) continue;
    const granted = await browser.permissions.contains({ origins: [origin] }).catch(() => false);
    if (granted) out.push(pattern);
  }
  return out;
}

/** Replaces the registration with one for `patterns` (none: the script runs nowhere). */
export async function registerContentScript(patterns: readonly string[]): Promise<string[]> {
  const existing = await browser.scripting
    .getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] })
    .catch(() => []);
  if (existing.length > 0) await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  if (patterns.length === 0) return [];
  const register = (matches: string[]) =>
    browser.scripting.registerContentScripts([
      { id: CONTENT_SCRIPT_ID, matches, js: [CONTENT_SCRIPT_FILE], runAt: 'document_idle', allFrames: false },
    ]);
  try {
    await register([...patterns]);
    return [...patterns];
  } catch {
    // A browser that rejects a pattern (a port, a path form it does not take) rejects them all:
    // fall back to the granted origins; the script asks page-config and stays idle off-portal.
    const origins = [
      ...new Set(patterns.map((p) => permissionOrigin(p)).filter((o): o is string => o !== null)),
    ];
    await register(origins);
    return origins;
  }
}

/** Serializes registrations: two overlapping updates would race on the same script id. */
export class Registrar {
  private chain: Promise<unknown> = Promise.resolve();
  update(portals: readonly PortalRule[]): Promise<string[]> {
    const next = this.chain.then(async () => registerContentScript(await grantedPatterns(portals)));
    this.chain = next.catch(() => {});
    return next;
  }
}
