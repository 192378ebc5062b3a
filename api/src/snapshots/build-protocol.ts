import type { SnapshotStatus } from '@credcheck/sdk/snapshot';

/**
 * Messages between the publisher and its build thread. The request loop only reads the index and
 * posts what it found; normalizing, hashing, sorting and encoding a million keys happen in the
 * thread, where they cost the API's requests nothing (on the loop they stalled lookups for over
 * half a second once a minute).
 */
export interface SnapshotChunk {
  /** Per subject: its code (null when it has none), its name, and its status class. */
  codes: (string | null)[];
  names: string[];
  statuses: SnapshotStatus[];
}

export type BuildRequest =
  | { type: 'begin'; build: number }
  | ({ type: 'add'; build: number } & SnapshotChunk)
  | { type: 'finish'; build: number; version: number };

export type BuildReply =
  | {
      build: number;
      /** The content equals the last published version's: nothing to publish. */
      unchanged: false;
      checksum: string;
      bytes: Uint8Array;
      /** From the last published version, when there is one. */
      delta: Uint8Array | null;
      codes: number;
      names: number;
    }
  | { build: number; unchanged: true }
  | { build: number; error: string };
