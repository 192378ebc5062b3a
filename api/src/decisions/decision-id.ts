import { randomFillSync } from 'node:crypto';

/**
 * `dec_` + 24 hex digits: 12 of the millisecond clock, 4 of a counter within that millisecond and
 * 8 random. Ids sort by time, so the store appends to the end of its primary-key index instead of
 * splitting pages all over it; the counter keeps one process unique even on a clock that stands
 * still (tests) or steps back; the random part keeps several API processes apart. Randomness is
 * drawn in blocks rather than one system call per decision.
 */
const pool = Buffer.alloc(4096);
let offset = pool.length;
let lastMs = 0;
let counter = 0;

export const DECISION_ID_PATTERN = /^dec_[0-9a-f]{24}$/;

export function newDecisionId(now: number): string {
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter > 0xffff) {
    lastMs++;
    counter = 0;
  }
  if (offset + 4 > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const random = pool.toString('hex', offset, offset + 4);
  offset += 4;
  return `dec_${lastMs.toString(16).padStart(12, '0')}${counter.toString(16).padStart(4, '0')}${random}`;
}
