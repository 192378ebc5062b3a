import type { ClearanceRecord } from '../store/oversight-types.ts';

/**
 * Every clearance in memory, so that a decision finds the ones for its presented subject with one
 * map lookup instead of a query. Refreshed from the store by revision (clearancesSince), like the
 * index follows the change log; a clearance written by this process is applied at once as well.
 */
export class ClearanceSet {
  private readonly byId = new Map<string, ClearanceRecord>();
  /** pair key (presented code + normalized name) → candidate subject id → the active clearance */
  private readonly active = new Map<string, Map<string, ClearanceRecord>>();
  private activeCount = 0;
  /**
   * The store has been read up to this revision. Only reading the store in order moves it: a
   * local write applied early must not make a refresh skip another process's earlier revision.
   */
  rev = 0;

  /** Active clearances. */
  get size(): number {
    return this.activeCount;
  }

  /** Takes a version of a clearance; an older version than the one held changes nothing. */
  apply(r: ClearanceRecord): void {
    const held = this.byId.get(r.id);
    if (held !== undefined) {
      if (held.rev >= r.rev) return;
      this.unindex(held);
    }
    this.byId.set(r.id, r);
    if (r.revokedAt !== null) return;
    const pair = pairKey(r.presentedNormName, r.presentedKey);
    let byCandidate = this.active.get(pair);
    if (byCandidate === undefined) {
      byCandidate = new Map();
      this.active.set(pair, byCandidate);
    }
    const other = byCandidate.get(r.candidateSubjectId);
    if (other !== undefined && other.rev > r.rev) return;
    if (other === undefined) this.activeCount++;
    byCandidate.set(r.candidateSubjectId, r);
  }

  /** The active clearances of a presented subject, by candidate subject id. */
  forPresented(
    normName: string,
    presentedKey: string | null,
  ): ReadonlyMap<string, ClearanceRecord> | undefined {
    return this.active.get(pairKey(normName, presentedKey));
  }

  get(id: string): ClearanceRecord | undefined {
    return this.byId.get(id);
  }

  /** Every clearance, revoked ones included, in id order (ids sort by creation time). */
  all(): ClearanceRecord[] {
    return [...this.byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  private unindex(r: ClearanceRecord): void {
    const pair = pairKey(r.presentedNormName, r.presentedKey);
    const byCandidate = this.active.get(pair);
    // Only this very clearance: a newer one may hold the pair now.
    if (byCandidate?.get(r.candidateSubjectId)?.id !== r.id) return;
    byCandidate.delete(r.candidateSubjectId);
    this.activeCount--;
    if (byCandidate.size === 0) this.active.delete(pair);
  }
}

/** "The same pair" without the candidate: the presented code (as a subject key, or none) and normalized name. */
export function pairKey(normName: string, presentedKey: string | null): string {
  return `${presentedKey ?? ''}\u0000${normName}`;
}
