// Writes sdk/src/schema.d.ts: `npm run sdk:types`. A test fails when it is stale.
import { writeFileSync } from 'node:fs';
import { renderSchemaTypes, schemaFile } from './schema-types.ts';

writeFileSync(schemaFile, await renderSchemaTypes());
console.log('wrote sdk/src/schema.d.ts');
