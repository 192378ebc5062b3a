import { createHmac } from 'node:crypto';

/**
 * Resident ID numbers are never stored in clear (identifiers.md §2): a person's subject key is a
 * keyed HMAC of the normalized ID, so matching works and a stolen database reveals nothing.
 */
export function personKey(secret: string, normalizedId: string): string {
  return 'p:' + createHmac('sha256', secret).update(normalizedId).digest('hex').slice(0, 40);
}

export const ID_HMAC_SETTING = 'id-hmac-key';
