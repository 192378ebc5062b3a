import type { DecisionRecord, Store } from '../store/types.ts';

interface Pending {
  records: readonly DecisionRecord[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for decision records: the requests of one turn of the event loop share a
 * transaction, so throughput does not collapse to one transaction per decision. Each caller waits
 * until its records are durable (a receipt is only handed out for a logged decision), but the log
 * does not wait for one write to finish before starting the next: with every request of a turn
 * blocked on the same commit, serial writes left the server idle between them.
 */
export class DecisionLog {
  private queue: Pending[] = [];
  private scheduled = false;
  private inFlight = new Set<Promise<void>>();

  constructor(
    private readonly store: Pick<Store, 'recordDecisions'>,
    private readonly maxBatch = 2000,
    /** Writes under way at once; beyond this, batches wait (back-pressure on a slow store). */
    private readonly maxInFlight = 4,
  ) {}

  append(records: readonly DecisionRecord[]): Promise<void> {
    if (records.length === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.queue.push({ records, resolve, reject }));
    this.schedule();
    return done;
  }

  /** Resolves once everything appended so far is written (or has failed). */
  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.scheduled) {
      if (this.inFlight.size > 0) await Promise.race(this.inFlight);
      else await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.inFlight.size >= this.maxInFlight) return;
    this.scheduled = true;
    // Let the requests already parsed in this turn of the event loop join the batch.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) {
      const group: Pending[] = [];
      const batch: DecisionRecord[] = [];
      while (
        this.queue.length > 0 &&
        (group.length === 0 || batch.length + this.queue[0]!.records.length <= this.maxBatch)
      ) {
        const p = this.queue.shift()!;
        group.push(p);
        for (const r of p.records) batch.push(r);
      }
      const write: Promise<void> = this.store.recordDecisions(batch).then(
        () => {
          for (const p of group) p.resolve();
        },
        (err: unknown) => {
          for (const p of group) p.reject(err);
        },
      );
      this.inFlight.add(write);
      void write.finally(() => {
        this.inFlight.delete(write);
        if (this.queue.length > 0) this.schedule();
      });
    }
  }
}
