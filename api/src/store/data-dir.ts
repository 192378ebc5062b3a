import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Enough to fail on a disk with no room left, small enough to cost nothing. */
const PROBE_BYTES = 64 << 10;

const WRITABLE = 'make it writable or set DATA_DIR to a folder that is';
const ROOM = 'free some space or set DATA_DIR to a disk with room';
const CAUSES: Record<string, [string, string]> = {
  EROFS: ['is on a read-only file system', WRITABLE],
  EACCES: ['is not writable by this user', WRITABLE],
  EPERM: ['is not writable by this user', WRITABLE],
  ENOSPC: ['is on a full disk (no space left)', ROOM],
  EDQUOT: ['is over its disk quota', ROOM],
};

/**
 * Why the data folder cannot take the store's writes, or null when a write there succeeds.
 * SQLite reports all of these as "unable to open database file" or "readonly database", which
 * names neither the folder nor what the operator must fix.
 */
export function unwritableReason(dir: string): string | null {
  const probe = join(dir, `.credcheck-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, Buffer.alloc(PROBE_BYTES));
    return null;
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    const [cause, remedy] = CAUSES[code] ?? [`cannot be written (${(err as Error).message})`, WRITABLE];
    return `the data folder ${dir} ${cause}${code ? ` (${code})` : ''}: CredCheck keeps its SQLite database there; ${remedy}`;
  } finally {
    try {
      rmSync(probe, { force: true });
    } catch {
      // Never created.
    }
  }
}
