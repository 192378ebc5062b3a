/**
 * A small Prometheus registry (text exposition format 0.0.4): counters and histograms that are
 * updated on the request path, and gauges read when scraped. Label values are fixed by the caller
 * to small sets (route templates, methods, statuses): nothing here bounds their number.
 */

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

type Kind = 'counter' | 'gauge' | 'histogram';

/** One sample line: labels (name → value) and the value. */
export type Sample = readonly [labels: Readonly<Record<string, string>>, value: number];

interface Family {
  name: string;
  help: string;
  kind: Kind;
  /** Appends the sample lines (without HELP and TYPE). */
  lines(out: string[]): void | Promise<void>;
}

export class Counter {
  private readonly children = new Map<string, CounterChild>();
  constructor(private readonly labelNames: readonly string[]) {}

  /** The series for these label values (in labelNames order); keep it to update it cheaply. */
  labels(...values: string[]): CounterChild {
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      child = new CounterChild(labelText(this.labelNames, values));
      this.children.set(key, child);
    }
    return child;
  }

  lines(name: string, out: string[]): void {
    for (const child of this.children.values()) out.push(`${name}${child.labelText} ${num(child.value)}`);
  }
}

export class CounterChild {
  value = 0;
  constructor(readonly labelText: string) {}
  inc(by = 1): void {
    this.value += by;
  }
}

export class Histogram {
  private readonly children = new Map<string, HistogramChild>();
  constructor(
    private readonly labelNames: readonly string[],
    readonly buckets: readonly number[],
  ) {}

  labels(...values: string[]): HistogramChild {
    const key = values.join('\u0000');
    let child = this.children.get(key);
    if (!child) {
      child = new HistogramChild(this.buckets, this.labelNames, values);
      this.children.set(key, child);
    }
    return child;
  }

  lines(name: string, out: string[]): void {
    for (const child of this.children.values()) child.lines(name, out);
  }
}

export class HistogramChild {
  /** Per bucket, not cumulative (one increment per observation); the last one is +Inf. */
  private readonly counts: Float64Array;
  sum = 0;
  count = 0;
  private readonly bucketLabels: string[];
  private readonly labelText: string;

  constructor(
    private readonly buckets: readonly number[],
    labelNames: readonly string[],
    values: readonly string[],
  ) {
    this.counts = new Float64Array(buckets.length + 1);
    const prefix = labelNames.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
    this.bucketLabels = [...buckets.map(num), '+Inf'].map((le) => `{${[...prefix, `le="${le}"`].join(',')}}`);
    this.labelText = labelText(labelNames, values);
  }

  observe(v: number): void {
    const b = this.buckets;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }

  lines(name: string, out: string[]): void {
    let cumulative = 0;
    for (let i = 0; i < this.counts.length; i++) {
      cumulative += this.counts[i]!;
      out.push(`${name}_bucket${this.bucketLabels[i]} ${num(cumulative)}`);
    }
    out.push(`${name}_sum${this.labelText} ${num(this.sum)}`);
    out.push(`${name}_count${this.labelText} ${num(this.count)}`);
  }
}

export class Registry {
  private readonly families: Family[] = [];
  private readonly hooks: Array<() => Promise<void>> = [];

  /** Runs before each scrape's gauges are read (one store query for several gauges, say). */
  onScrape(hook: () => Promise<void>): void {
    this.hooks.push(hook);
  }

  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    const c = new Counter(labelNames);
    this.add({ name, help, kind: 'counter', lines: (out) => c.lines(name, out) });
    return c;
  }

  histogram(name: string, help: string, buckets: readonly number[], labelNames: readonly string[] = []) {
    const h = new Histogram(labelNames, buckets);
    this.add({ name, help, kind: 'histogram', lines: (out) => h.lines(name, out) });
    return h;
  }

  /**
   * A gauge read at scrape time: a number, samples with labels, or null to leave it out of this
   * scrape (its source cannot be read now: better no value than a wrong one).
   */
  gauge(
    name: string,
    help: string,
    read: () => number | null | readonly Sample[] | Promise<number | null | readonly Sample[]>,
  ): void {
    this.add({
      name,
      help,
      kind: 'gauge',
      lines: async (out) => {
        const v = await read();
        if (v === null) return;
        if (typeof v === 'number') out.push(`${name} ${num(v)}`);
        else for (const [labels, value] of v) out.push(`${name}${labelObject(labels)} ${num(value)}`);
      },
    });
  }

  /** The exposition text. Gauges are read concurrently; one that throws is left out of this scrape. */
  async render(): Promise<string> {
    await Promise.all(this.hooks.map((h) => h().catch(() => {})));
    const blocks = await Promise.all(
      this.families.map(async (f) => {
        const out: string[] = [];
        try {
          await f.lines(out);
        } catch {
          return '';
        }
        if (out.length === 0 && f.kind === 'gauge') return '';
        return `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.kind}\n${out.map((l) => `${l}\n`).join('')}`;
      }),
    );
    return blocks.join('');
  }

  private add(f: Family): void {
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(f.name)) throw new Error(`bad metric name ${f.name}`);
    if (this.families.some((g) => g.name === f.name)) throw new Error(`metric ${f.name} registered twice`);
    this.families.push(f);
  }
}

function labelText(names: readonly string[], values: readonly string[]): string {
  if (names.length === 0) return '';
  return `{${names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`).join(',')}}`;
}

function labelObject(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels);
  return labelText(
    names,
    names.map((n) => labels[n]!),
  );
}

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function num(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}
