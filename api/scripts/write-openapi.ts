// Writes openapi/openapi.json from the route schemas: `npm run openapi`. A test fails when it drifts.
import { writeFileSync } from 'node:fs';
import { renderOpenApi } from '../src/openapi.ts';

const target = new URL('../../openapi/openapi.json', import.meta.url);
writeFileSync(target, renderOpenApi());
console.log(`wrote ${target.pathname.split('/').slice(-2).join('/')}`);
