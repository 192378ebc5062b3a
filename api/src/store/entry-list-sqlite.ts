import type Database from 'better-sqlite3';
import { countSql, type EntryListStore, isNarrowed, pageSql, sampleSql, toListRow } from './entry-list.ts';

const SAMPLE = 5000;

/** Entry listing on SQLite (see entry-list.ts). */
export function sqliteEntryList(d: {
  sql: <P extends unknown[] = unknown[], R = unknown>(text: string) => Database.Statement<P, R>;
}): EntryListStore {
  const count = (b: { text: string; values: unknown[] }) =>
    Number(d.sql<unknown[], { n: number }>(b.text).get(...b.values)!.n);
  return {
    async listEntryPage(query) {
      const { text, values } = pageSql(query, 'sqlite');
      return d
        .sql<unknown[], Record<string, unknown>>(text)
        .all(...values)
        .map(toListRow);
    },
    async countEntries(filter, exactUpTo) {
      const capped = count(countSql(filter, exactUpTo + 1, 'sqlite'));
      if (capped <= exactUpTo) return { total: capped, exact: true };
      // The department alone is counted on its index (about 0.15 s at a million).
      const scope = count(
        countSql({ today: filter.today, ...(filter.department ? { department: filter.department } : {}) }),
      );
      if (!isNarrowed(filter)) return { total: scope, exact: true };
      const { text, values } = sampleSql(filter, SAMPLE);
      const s = d.sql<unknown[], { n: number; hits: number | null }>(text).get(...values)!;
      const share = s.n === 0 ? 0 : Number(s.hits ?? 0) / s.n;
      return { total: Math.max(exactUpTo + 1, Math.round(scope * share)), exact: false };
    },
  };
}
