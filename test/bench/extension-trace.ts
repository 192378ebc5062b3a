// Where a page's main thread spends its time, from a Chromium trace (devtools.timeline): self time
// per event kind (script, style, layout, paint, GC …) and script time per source, so a slow run
// says which phase to work on.

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { url?: string; frame?: string } };
}

export interface TraceBreakdown {
  /** Self milliseconds per event name, largest first. */
  byEvent: [string, number][];
  /** Milliseconds of script (FunctionCall / EvaluateScript / v8 callbacks) per source URL. */
  scriptByUrl: [string, number][];
  /** Main-thread busy milliseconds (top-level tasks) and the span they were measured over. */
  busyMs: number;
  spanMs: number;
  /** Main-thread tasks of 30 ms or more in order: start (ms after parsing began), length, and what filled them. */
  longTasks: { atMs: number; ms: number; top: [string, number][] }[];
}

const SCRIPT_EVENTS = new Set([
  'FunctionCall',
  'EvaluateScript',
  'v8.callFunction',
  'TimerFire',
  'FireAnimationFrame',
]);

/** Breaks down the renderer main thread that parsed `pageUrl`. */
export function breakdown(traceJson: string, pageUrl: string): TraceBreakdown {
  const parsed = JSON.parse(traceJson) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const parse = events.find((e) => e.name === 'ParseHTML' && JSON.stringify(e.args ?? {}).includes(pageUrl));
  const main = parse
    ? { pid: parse.pid, tid: parse.tid }
    : events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) return { byEvent: [], scriptByUrl: [], busyMs: 0, spanMs: 0, longTasks: [] };
  const origin = parse?.ts ?? 0;
  const longTasks: TraceBreakdown['longTasks'] = [];
  let taskSelf = new Map<string, number>();
  const own = events
    .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && typeof e.dur === 'number')
    .sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  const self = new Map<string, number>();
  const scriptByUrl = new Map<string, number>();
  // Events on one thread nest: a stack of open events gives each one's children to subtract.
  const stack: { e: TraceEvent; end: number; children: number }[] = [];
  let busy = 0;
  const close = (upTo: number): void => {
    while (stack.length > 0 && stack.at(-1)!.end <= upTo) {
      const top = stack.pop()!;
      const selfUs = top.e.dur! - top.children;
      self.set(top.e.name, (self.get(top.e.name) ?? 0) + selfUs);
      taskSelf.set(top.e.name, (taskSelf.get(top.e.name) ?? 0) + selfUs);
      const parent = stack.at(-1);
      if (parent) parent.children += top.e.dur!;
      else {
        if (top.e.name === 'RunTask' || top.e.name === 'ThreadControllerImpl::RunTask') busy += top.e.dur!;
        if (top.e.dur! >= 30_000) {
          longTasks.push({
            atMs: (top.e.ts - origin) / 1000,
            ms: top.e.dur! / 1000,
            top: [...taskSelf]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 3)
              .map(([k, us]): [string, number] => [k, us / 1000]),
          });
        }
        taskSelf = new Map();
      }
    }
  };
  for (const e of own) {
    close(e.ts);
    stack.push({ e, end: e.ts + e.dur!, children: 0 });
    if (SCRIPT_EVENTS.has(e.name)) {
      const url = e.args?.data?.url || '(no url)';
      // Only the outermost script event of a nest counts, so time is not added twice.
      if (!stack.slice(0, -1).some((s) => SCRIPT_EVENTS.has(s.e.name))) {
        scriptByUrl.set(url, (scriptByUrl.get(url) ?? 0) + e.dur!);
      }
    }
  }
  close(Number.POSITIVE_INFINITY);
  const first = own[0]?.ts ?? 0;
  const last = own.reduce((m, e) => Math.max(m, e.ts + e.dur!), first);
  const toMs = (m: Map<string, number>): [string, number][] =>
    [...m].map(([k, us]): [string, number] => [k, us / 1000]).sort((a, b) => b[1] - a[1]);
  return {
    byEvent: toMs(self),
    scriptByUrl: toMs(scriptByUrl),
    busyMs: busy / 1000,
    spanMs: (last - first) / 1000,
    longTasks,
  };
}
