import {
  type CredCheckClient,
  DECISION_BATCH_MAX,
  type DecideManyItem,
  type DecisionBatchItemInput,
  mapLimit,
} from '../../client/index.ts';

/** What the screen writes for one row (also its --json shape). */
export interface RowResult {
  /** block / review / favour / clear, or invalid (refused code), empty (nothing to check), unavailable. */
  outcome: string;
  status: string;
  /** List types of the entries behind the outcome. */
  lists: string[];
  /** Codes of the measures that apply. */
  measures: string[];
  decisionId: string;
  /** Why a row has no decision, or the possible matches of a name-only row. */
  note: string;
}

export interface ScreenInput {
  code: string;
  name: string;
}

export interface ScreenOptions {
  scenario: string;
  concurrency: number;
  chunkSize?: number;
  onProgress?: (done: number) => void;
}

/**
 * Decides every row: by code when the row has one, else by name (possible matches only). Rows
 * with neither are answered here without a request. Every input row gets exactly one result.
 */
export async function screenRows(
  client: CredCheckClient,
  inputs: readonly ScreenInput[],
  o: ScreenOptions,
): Promise<RowResult[]> {
  const results = new Array<RowResult>(inputs.length);
  const items: DecisionBatchItemInput[] = [];
  const rowOf: number[] = [];
  inputs.forEach((input, row) => {
    const code = input.code.trim();
    const name = input.name.trim();
    if (code) items.push({ subject: { code } });
    else if (name) items.push({ subject: { name: name.slice(0, 200) } });
    else {
      results[row] = empty('empty', '没有代码或名称 / no code or name in this row');
      return;
    }
    rowOf.push(row);
  });
  const size = Math.min(o.chunkSize ?? DECISION_BATCH_MAX, DECISION_BATCH_MAX);
  const parts: number[] = [];
  for (let i = 0; i < items.length; i += size) parts.push(i);
  let done = inputs.length - items.length;
  o.onProgress?.(done);
  // One decideMany per chunk, mapLimit bounding the requests in flight: progress after each chunk,
  // and decideMany turns a chunk the API could not answer into unavailable rows (fail closed).
  await mapLimit(parts, o.concurrency, async (start) => {
    const part = items.slice(start, start + size);
    const answer = await client.decideMany(part, { scenario: o.scenario, concurrency: 1, chunkSize: size });
    for (const item of answer.items) results[rowOf[start + item.index]!] = toRow(item);
    done += part.length;
    o.onProgress?.(done);
  });
  return results;
}

function empty(outcome: string, note: string, status = ''): RowResult {
  return { outcome, status, lists: [], measures: [], decisionId: '', note };
}

export function toRow(item: DecideManyItem): RowResult {
  if ('error' in item) {
    const invalid = item.error.type.endsWith('/invalid-code');
    return empty(
      invalid ? 'invalid' : 'error',
      `${item.error.detailZh} / ${item.error.detail}`,
      invalid ? 'invalid' : '',
    );
  }
  if (item.outcome === 'unavailable') {
    return empty('unavailable', `查询不可用，请人工核查 / check unavailable: ${item.cause.message}`);
  }
  const candidates = item.identity.candidates.filter((c) => !c.clearance);
  const note =
    item.identity.matchedBy === 'name' && candidates.length > 0
      ? `疑似 possible match: ${candidates.map((c) => `${c.name} ${c.code ?? ''} ${c.status}`.trim()).join('; ')}`
      : item.identity.warnings.join('; ');
  return {
    outcome: item.outcome,
    status: item.status,
    lists: [...new Set(item.entries.map((e) => e.listType))],
    measures: item.measures.map((m) => m.code),
    decisionId: item.id,
    note,
  };
}
