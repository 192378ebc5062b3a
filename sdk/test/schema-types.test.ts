import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderSchemaTypes, schemaFile } from '../scripts/schema-types.ts';

it('sdk/src/schema.d.ts is what openapi-typescript makes of openapi/openapi.json (run `npm run sdk:types`)', async () => {
  expect(readFileSync(schemaFile, 'utf8')).toBe(await renderSchemaTypes());
});
