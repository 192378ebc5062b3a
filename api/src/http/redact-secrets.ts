/**
 * Problems quote what the caller sent (the request path, an unknown field's name), and a caller
 * sometimes pastes a key where an id or a field belongs (`/v1/decisions/cck_…`). The answer, and
 * whatever logs or screenshots it, must not carry the key on: API keys keep their public hint
 * (`cck_` + 4 characters, as key lists show it), webhook signing secrets only their prefix.
 */
const API_KEY = /(cck_[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+/g;
const WEBHOOK_SECRET = /whsec_[A-Za-z0-9+/=%_-]+/g;
/** A whole value in the API key format: API_KEY already redacts it. */
const API_KEY_SHAPE = /^cck_[A-Za-z0-9_-]+$/;

/**
 * Secrets of other shapes this process knows, as they appear in text and inside JSON strings: an
 * operator may set CREDCHECK_ADMIN_KEY to any string, not only one made by `credcheck keys`.
 */
const known = new Set<string>();

/** Shorter values are too likely to be ordinary words of an answer to be cut out of it. */
export const MIN_REDACTED_LENGTH = 8;

export function alsoRedact(secret: string): void {
  if (secret.length < MIN_REDACTED_LENGTH || API_KEY_SHAPE.test(secret)) return;
  known.add(secret);
  known.add(JSON.stringify(secret).slice(1, -1));
  known.add(encodeURIComponent(secret));
}

export function redactSecrets(text: string): string {
  let out = text;
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join('…');
  // On the hot lookup lane every 404 passes here: skip the regular expressions when nothing matches.
  if (!out.includes('cck_') && !out.includes('whsec_')) return out;
  return out.replace(API_KEY, '$1…').replace(WEBHOOK_SECRET, 'whsec_…');
}
