/**
 * Text runs: the text of a block's inline descendants joined, with a map from offsets in the
 * joined text back to the text nodes, so that `<span>9111</span><b>0108MA0U94MT1P</b>` reads as one
 * code and a badge can still be put right after its last character.
 */

export interface TextRun {
  text: string;
  nodes: Text[];
  /** Offset of each node's first character in `text`. */
  starts: number[];
  /** Whether each node is new to the scanner: only hits touching a new node are reported. */
  fresh: boolean[];
  /** The table row the run sits in, for pairing a name with the code in the same row. */
  row: Element | null;
}

export interface Position {
  node: Text;
  offset: number;
}

/** Index of the node holding the character just before `offset` (an end offset is inclusive-left). */
function nodeIndexAtEnd(run: TextRun, offset: number): number {
  let lo = 0;
  let hi = run.starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((run.starts[mid] as number) < offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The text node and local offset where a hit ending at `end` ends. */
export function positionAtEnd(run: TextRun, end: number): Position {
  const i = nodeIndexAtEnd(run, end);
  return { node: run.nodes[i] as Text, offset: end - (run.starts[i] as number) };
}

/** True when any node overlapping [start, end) is fresh. */
export function touchesFresh(run: TextRun, start: number, end: number): boolean {
  for (let i = nodeIndexAtEnd(run, start + 1); i < run.nodes.length; i++) {
    if ((run.starts[i] as number) >= end) break;
    if (run.fresh[i]) return true;
  }
  return false;
}

/**
 * Records that `node` was split at `offset` (the tail became `tail`), so later positions in the
 * run still map to the right node.
 */
export function noteSplit(run: TextRun, node: Text, offset: number, tail: Text): void {
  const i = run.nodes.indexOf(node);
  if (i < 0) return;
  run.nodes.splice(i + 1, 0, tail);
  run.starts.splice(i + 1, 0, (run.starts[i] as number) + offset);
  run.fresh.splice(i + 1, 0, run.fresh[i] as boolean);
}

/** True while every node of the run still holds the text it had when the run was read. */
export function runIntact(run: TextRun): boolean {
  for (let i = 0; i < run.nodes.length; i++) {
    const node = run.nodes[i] as Text;
    const start = run.starts[i] as number;
    const end = i + 1 < run.nodes.length ? (run.starts[i + 1] as number) : run.text.length;
    if (!node.isConnected || node.data !== run.text.slice(start, end)) return false;
  }
  return true;
}
