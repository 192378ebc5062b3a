import { type Catalog, CatalogSchema } from '../domain/catalog.ts';

/** The catalog lives in its own table; the change log records which version replaced it, not the whole text. */
export function catalogChangeData(catalog: Catalog): unknown {
  return {
    version: catalog.version,
    listTypes: catalog.listTypes.length,
    measures: catalog.measures.length,
    scenarios: catalog.scenarios.length,
  };
}

/** A catalog must match the schema before it replaces the one in force. */
export function validCatalog(catalog: unknown): Catalog {
  const parsed = CatalogSchema.safeParse(catalog);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new Error(
      `invalid catalog: ${first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'does not match the schema'}`,
    );
  }
  return parsed.data;
}
