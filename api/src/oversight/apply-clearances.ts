import { normalizeName } from '@credcheck/sdk/names';
import type { ClearanceNote, Identity } from '../domain/decision-identity.ts';
import type { ClearanceRecord } from '../store/oversight-types.ts';
import type { ClearanceSet } from './clearance-set.ts';

export function clearanceNote(r: ClearanceRecord): ClearanceNote {
  return { id: r.id, by: r.keyId, at: r.at, reason: r.reason };
}

/**
 * Marks the candidates (name-only requests) and the "name of another listed subject" conflicts
 * (code and name given) that were cleared for this presented subject; a cleared conflict no
 * longer makes the identity inconsistent. Returns the identity itself when nothing was cleared.
 */
export function applyClearances(
  identity: Identity,
  cleared: ReadonlyMap<string, ClearanceRecord> | undefined,
): Identity {
  if (cleared === undefined || cleared.size === 0) return identity;
  let changed = false;
  const candidates = identity.candidates.map((c) => {
    const r = cleared.get(c.subjectId);
    if (r === undefined) return c;
    changed = true;
    return { ...c, clearance: clearanceNote(r) };
  });
  const conflicts = identity.conflicts.map((c) => {
    const r = c.listed ? cleared.get(c.listed.subjectId) : undefined;
    if (r === undefined) return c;
    changed = true;
    return { ...c, clearance: clearanceNote(r) };
  });
  if (!changed) return identity;
  return {
    ...identity,
    candidates,
    conflicts,
    consistent: conflicts.every((c) => c.clearance !== undefined),
  };
}

/**
 * The decision's identity with the clearances of its presented subject (`name` as given, `key` of
 * the code given or null). The common cases, no clearance at all or no name match, cost no
 * normalization and no lookup.
 */
export function clearedIdentity(
  identity: Identity,
  name: string | undefined,
  key: string | null,
  set: ClearanceSet | undefined,
): Identity {
  if (set === undefined || set.size === 0 || name === undefined) return identity;
  if (identity.candidates.length === 0 && !identity.conflicts.some((c) => c.listed !== undefined))
    return identity;
  return applyClearances(identity, set.forPresented(normalizeName(name), key));
}
