import { Worker } from 'node:worker_threads';
import type { BuildReply, BuildRequest, SnapshotChunk } from './build-protocol.ts';

export type BuildResult = Exclude<BuildReply, { error: string }>;

/** The publisher's handle on its build thread (build-worker.ts), started at the first build. */
export interface BuildThread {
  begin(): number;
  add(build: number, chunk: SnapshotChunk): void;
  finish(build: number, version: number): Promise<BuildResult>;
  close(): Promise<void>;
}

export function startBuildThread(): BuildThread {
  let worker: Worker | null = null;
  let builds = 0;
  let waiting: { build: number; resolve: (r: BuildResult) => void; reject: (e: Error) => void } | null = null;

  /** The thread of a build died under it: that build can only fail (the next one starts a new thread). */
  let lost: Error | null = null;
  const fail = (err: Error) => {
    worker = null;
    lost = err;
    waiting?.reject(err);
    waiting = null;
  };
  const thread = (): Worker => {
    if (worker !== null) return worker;
    const w = new Worker(new URL('./thread-boot.js', import.meta.url), {
      workerData: { module: new URL('./build-worker.ts', import.meta.url).href },
    });
    // Idle between builds; it must not keep the process alive.
    w.unref();
    w.on('message', (reply: BuildReply) => {
      if (waiting === null || reply.build !== waiting.build) return;
      const { resolve, reject } = waiting;
      waiting = null;
      if ('error' in reply) reject(new Error(`snapshot build failed: ${reply.error}`));
      else resolve(reply);
    });
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`snapshot build thread exited (${code})`)));
    worker = w;
    return w;
  };
  const post = (msg: BuildRequest) => thread().postMessage(msg);

  return {
    begin() {
      lost = null;
      const build = ++builds;
      post({ type: 'begin', build });
      return build;
    },
    add(build, chunk) {
      if (lost === null) post({ type: 'add', build, ...chunk });
    },
    finish(build, version) {
      if (lost !== null) return Promise.reject(lost);
      return new Promise<BuildResult>((resolve, reject) => {
        waiting = { build, resolve, reject };
        post({ type: 'finish', build, version });
      });
    },
    async close() {
      const w = worker;
      worker = null;
      if (w !== null) await w.terminate();
    },
  };
}
