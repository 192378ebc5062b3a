/**
 * Problems quote what the caller sent (the request path, an unknown field's name), and a caller
 * sometimes pastes a key where an id or a field belongs (`/v1/decisions/cck_…`). The answer, and
 * whatever logs or screenshots it, must not carry the key on: API keys keep their public hint
 * (`cck_` + 4 characters, as key lists show it), webhook signing secrets only their prefix.
 */
const API_KEY = /(cck_[A-Za-z0-9_-]{4})[A-Za-z0-9_-]+/g;
const WEBHOOK_SECRET = /whsec_[A-Za-z0-9+/=%_-]+/g;

export function redactSecrets(text: string): string {
  // On the hot lookup lane every 404 passes here: skip the regular expressions when nothing matches.
  if (!text.includes('cck_') && !text.includes('whsec_')) return text;
  return text.replace(API_KEY, '$1…').replace(WEBHOOK_SECRET, 'whsec_…');
}
