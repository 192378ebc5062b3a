import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ApiKeyRecord } from '../store/types.ts';

/** Keys are random, shown once, and stored only as a SHA-256 hash (high entropy makes a slow hash unnecessary). */
const KEY_PREFIX = 'cck_';

export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url');
}

export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** `key_` + 20 hex characters: names a key in lists, logs and decision records without revealing it. */
export function newKeyId(): string {
  return `key_${randomBytes(10).toString('hex')}`;
}

/** A new key and the record to store for it; the key itself is shown once and never stored. */
export function issueApiKey(
  spec: Pick<ApiKeyRecord, 'role' | 'department' | 'label' | 'rateLimit'>,
  createdAt: string,
): { key: string; record: ApiKeyRecord } {
  const key = generateApiKey();
  return {
    key,
    record: {
      id: newKeyId(),
      hash: hashApiKey(key),
      hint: keyHint(key),
      ...spec,
      createdAt,
      revokedAt: null,
    },
  };
}

/** Safe to show in lists and logs: enough to tell keys apart, useless to an attacker. */
export function keyHint(key: string): string {
  return `${key.slice(0, KEY_PREFIX.length + 4)}…`;
}

/** Constant-time comparison of two hex hashes of equal length. */
export function hashesEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a, 'hex');
  const bb = Buffer.from(b, 'hex');
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1]! : null;
}
