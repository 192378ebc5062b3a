import type { Io } from '../io.ts';

export interface Progress {
  update(done: number): void;
  finish(): void;
}

const BAR = 30;

/**
 * On a terminal a bar redrawn in place; otherwise (CI logs, redirected output) a plain line every
 * 10% or 5 seconds, so a log shows progress without a wall of carriage returns.
 */
export function createProgress(io: Io, total: number, label: string, now: () => number = Date.now): Progress {
  const started = now();
  const tty = Boolean(io.stderr.isTTY);
  let lastLine = 0;
  let lastPct = -1;
  const rate = (done: number) => {
    const s = (now() - started) / 1000;
    return s > 0 ? Math.round(done / s) : 0;
  };
  return {
    update(done) {
      const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
      if (tty) {
        const filled = Math.round((pct / 100) * BAR);
        io.stderr.write(
          `\r${label} [${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}] ${pct}% ${done}/${total} · ${rate(done)} rows/s`,
        );
        return;
      }
      const t = now();
      if (done === total || Math.floor(pct / 10) > Math.floor(lastPct / 10) || t - lastLine >= 5000) {
        io.stderr.write(`${label}: ${done}/${total} rows (${pct}%) · ${rate(done)} rows/s\n`);
        lastLine = t;
        lastPct = pct;
      }
    },
    finish() {
      if (tty) io.stderr.write('\n');
    },
  };
}
