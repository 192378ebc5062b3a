import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { encodeDelta, encodeSnapshot, type PrefixSnapshot, SnapshotBuilder } from '@credcheck/sdk/snapshot';
import type { BuildReply, BuildRequest } from './build-protocol.ts';

/** The thread's side of build-protocol.ts: one build at a time, each delta from the last one published. */
const port = parentPort!;
yieldToRequestThreads();
let build = -1;
let builder: SnapshotBuilder | null = null;
let counts = { codes: 0, names: 0 };
let published: PrefixSnapshot | null = null;

port.on('message', (msg: BuildRequest) => {
  try {
    if (msg.type === 'begin') {
      build = msg.build;
      builder = new SnapshotBuilder();
      counts = { codes: 0, names: 0 };
      return;
    }
    if (msg.build !== build || builder === null) {
      // A chunk of a build that was given up is dropped; a finish of one is refused, never left hanging.
      if (msg.type === 'finish') port.postMessage({ build: msg.build, error: 'no such build under way' });
      return;
    }
    if (msg.type === 'add') {
      for (let i = 0; i < msg.names.length; i++) {
        const status = msg.statuses[i]!;
        const code = msg.codes[i];
        if (code !== null && code !== undefined) {
          builder.add({ kind: 'code', key: code, status });
          counts.codes++;
        }
        builder.add({ kind: 'name', key: msg.names[i]!, status });
        counts.names++;
      }
      return;
    }
    const snapshot = builder.finish(msg.version);
    builder = null;
    let reply: BuildReply;
    if (published !== null && snapshot.checksumHex === published.checksumHex) {
      reply = { build: msg.build, unchanged: true };
    } else {
      const bytes = encodeSnapshot(snapshot);
      const delta = published === null ? null : encodeDelta(published, snapshot);
      published = snapshot;
      reply = { build: msg.build, unchanged: false, checksum: snapshot.checksumHex, bytes, delta, ...counts };
    }
    port.postMessage(reply);
  } catch (err) {
    builder = null;
    port.postMessage({ build: msg.build, error: (err as Error).message } satisfies BuildReply);
  }
});

/**
 * Lowest CPU priority for this thread only: on a machine whose cores are busy with requests, a
 * build may take longer, but it never takes a core from the request loop (with equal priority, the
 * loop lost its core to the build for tens of milliseconds at a time). Linux names the thread in
 * /proc/thread-self and lets its id be given as a process id; elsewhere the thread keeps its priority.
 */
function yieldToRequestThreads(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 19);
  } catch {
    // Not Linux, or not permitted: the build shares the CPU as it is.
  }
}
