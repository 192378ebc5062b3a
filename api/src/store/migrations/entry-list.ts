import type { Migration } from './types.ts';

/**
 * Migration 10 of both stores: the indexes GET /v1/entries walks (../entry-list.ts), one per sort
 * column, each ending in the id that breaks ties, so that a keyset page is an index range read
 * whether it is the first or the 20,000th. Date columns per department (a designator only ever
 * lists its own) and across departments (an admin); code and name on subjects (the key is
 * already unique), from which entries are reached by entries_subject_id. The expressions are the
 * sort values entry-list.ts orders by, and must stay spelled the same for the planner to match them.
 * Both dialects side by side; sqlite.ts and postgres.ts list it in their order.
 */

const VERSION = 10;
const NAME = 'indexes for listing entries';

const SQL = `
CREATE INDEX entries_dept_published ON entries (department, (COALESCE(published_on, '')), id);
CREATE INDEX entries_dept_decided ON entries (department, decided_on, id);
CREATE INDEX entries_dept_valid ON entries (department, (COALESCE(valid_until, '9999-12-31')), id);
CREATE INDEX entries_published ON entries ((COALESCE(published_on, '')), id);
CREATE INDEX entries_decided ON entries (decided_on, id);
CREATE INDEX entries_valid ON entries ((COALESCE(valid_until, '9999-12-31')), id);
CREATE INDEX subjects_norm_name ON subjects (norm_name, id);
`;

export const sqliteEntryListMigration: Migration = { version: VERSION, name: NAME, sql: SQL };
export const postgresEntryListMigration: Migration = { version: VERSION, name: NAME, sql: SQL };
