import { readFileSync } from 'node:fs';
import { type Catalog, CatalogSchema } from './catalog.ts';

/** Bump whenever api/catalog/*.json changes: stores record which catalog version judged an entry. */
export const DEFAULT_CATALOG_VERSION = '2026.12.1';

const CATALOG_DIR = new URL('../../catalog/', import.meta.url);

function readPart(name: string): unknown {
  const url = new URL(name, CATALOG_DIR);
  try {
    return JSON.parse(readFileSync(url, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the default catalog part ${name}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}

let cached: Catalog | undefined;

/** The catalog the product ships (api/catalog/*.json), validated; loaded into a store that has none. */
export function loadDefaultCatalog(): Catalog {
  cached ??= CatalogSchema.parse({
    version: DEFAULT_CATALOG_VERSION,
    listTypes: readPart('list-types.json'),
    measures: readPart('measures.json'),
    scenarios: readPart('scenarios.json'),
  });
  return structuredClone(cached);
}
