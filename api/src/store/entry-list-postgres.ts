import type pg from 'pg';
import {
  countSql,
  type EntryListStore,
  isNarrowed,
  matchSql,
  numberedPlaceholders,
  pageSql,
  toListRow,
} from './entry-list.ts';

/** Entry listing on PostgreSQL (see entry-list.ts). */
export function postgresEntryList(d: {
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>;
}): EntryListStore {
  const count = async (b: { text: string; values: unknown[] }) =>
    Number((await d.query<{ n: string }>(numberedPlaceholders(b.text), b.values))[0]!.n);
  return {
    async listEntryPage(query) {
      const { text, values } = pageSql(query, 'postgres');
      return (await d.query<Record<string, unknown>>(numberedPlaceholders(text), values)).map(toListRow);
    },
    async countEntries(filter, exactUpTo) {
      const capped = await count(countSql(filter, exactUpTo + 1));
      if (capped <= exactUpTo) return { total: capped, exact: true };
      if (!isNarrowed(filter)) return { total: await count(countSql(filter)), exact: true };
      // The planner's estimate, from the statistics ANALYZE (and autovacuum) keep.
      const m = matchSql(filter);
      const [plan] = await d.query<{ 'QUERY PLAN': Array<{ Plan: { 'Plan Rows': number } }> }>(
        `EXPLAIN (FORMAT JSON) ${numberedPlaceholders(m.text)}`,
        m.values,
      );
      const rows = plan?.['QUERY PLAN'][0]?.Plan['Plan Rows'] ?? 0;
      return { total: Math.max(exactUpTo + 1, Math.round(rows)), exact: false };
    },
  };
}
