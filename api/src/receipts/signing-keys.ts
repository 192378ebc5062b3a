import type { Store } from '../store/types.ts';
import { generateSigningKey, type SigningKeyRecord } from './signer.ts';

/**
 * Signing keys live in the store's settings as `receipt-signing-key:1`, `:2`, …; the highest is
 * active. Each is written once with initSetting, so two processes rotating at the same moment
 * cannot both win, and no key is ever overwritten (old receipts stay verifiable).
 */
const PREFIX = 'receipt-signing-key:';

interface StoredKey {
  kid: string;
  createdAt: string;
  privateJwk: SigningKeyRecord['privateJwk'];
  publicJwk: SigningKeyRecord['publicJwk'];
}

/** Every key, oldest first, with the retirement instant of each (the next one's creation). */
export async function readSigningKeys(store: Pick<Store, 'getSetting'>): Promise<SigningKeyRecord[]> {
  const stored: StoredKey[] = [];
  for (let n = 1; ; n++) {
    const raw = await store.getSetting(PREFIX + n);
    if (raw === null) break;
    stored.push(JSON.parse(raw) as StoredKey);
  }
  return stored.map((k, i) => ({ ...k, retiredAt: stored[i + 1]?.createdAt ?? null }));
}

/** True when a key newer than the `known` ones has been written (by a rotation in any process). */
export async function hasNewerKey(store: Pick<Store, 'getSetting'>, known: number): Promise<boolean> {
  return (await store.getSetting(PREFIX + (known + 1))) !== null;
}

/** The keys, creating the first one in an empty store. `actor` is who, for the audit log. */
export async function ensureSigningKeys(
  store: Pick<Store, 'getSetting' | 'initSetting'>,
  now: Date,
  actor = 'system',
): Promise<SigningKeyRecord[]> {
  const keys = await readSigningKeys(store);
  if (keys.length > 0) return keys;
  await writeKey(store, 1, now, actor, null);
  return readSigningKeys(store);
}

/** Adds a new active key; the previous one is retired but stays published. */
export async function rotateSigningKey(
  store: Pick<Store, 'getSetting' | 'initSetting'>,
  now: Date,
  actor = 'system',
): Promise<SigningKeyRecord[]> {
  const keys = await readSigningKeys(store);
  await writeKey(store, keys.length + 1, now, actor, keys.at(-1)?.kid ?? null);
  return readSigningKeys(store);
}

async function writeKey(
  store: Pick<Store, 'initSetting'>,
  n: number,
  now: Date,
  actor: string,
  previous: string | null,
): Promise<void> {
  const k = await generateSigningKey(now);
  const stored: StoredKey = {
    kid: k.kid,
    createdAt: k.createdAt,
    privateJwk: k.privateJwk,
    publicJwk: k.publicJwk,
  };
  // Audited only if this write wins (initSetting); the public key id, never the key.
  await store.initSetting(PREFIX + n, JSON.stringify(stored), {
    actor,
    action: previous === null ? 'signing-key.created' : 'signing-key.rotated',
    target: k.kid,
    detail: { setting: PREFIX + n, previous },
  });
}
