/**
 * Whether the query is a code (USCC, organization code or resident ID number) to look up, or a name
 * to search. The API validates the code and explains a wrong one; this only picks the route.
 */
export function queryKind(raw: string): { kind: 'code' | 'name' | 'empty'; value: string } {
  const value = raw.trim();
  if (!value) return { kind: 'empty', value };
  const compact = value.replace(/[\s-]/g, '').toUpperCase();
  if (/^[0-9A-Z]{8,18}$/.test(compact) && /\d/.test(compact)) return { kind: 'code', value: compact };
  return { kind: 'name', value };
}
