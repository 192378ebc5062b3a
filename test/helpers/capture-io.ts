import { Writable } from 'node:stream';

/** A stream that keeps what is written, optionally posing as a terminal. */
export class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  constructor(tty = false) {
    super();
    if (tty) this.isTTY = true;
  }
  override _write(chunk: Buffer, _enc: string, done: () => void) {
    this.text += chunk.toString();
    done();
  }
}

/** The io a CLI command runs with in-process, capturing its output. */
export function captureIo(cwd: string, env: Record<string, string | undefined> = {}, tty = false) {
  const stdout = new Capture();
  const stderr = new Capture(tty);
  return { io: { stdout, stderr, env, cwd }, stdout, stderr };
}
