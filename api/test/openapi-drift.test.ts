import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { renderOpenApi } from '../src/openapi.ts';

it('openapi/openapi.json is what the route schemas generate (run `npm run openapi` after changing a route)', () => {
  const committed = readFileSync(new URL('../../openapi/openapi.json', import.meta.url), 'utf8');
  expect(committed).toBe(renderOpenApi());
});

it('the document is OpenAPI 3.1 and documents every route with its problem responses', () => {
  const doc = JSON.parse(renderOpenApi());
  expect(doc.openapi).toBe('3.1.0');
  expect(Object.keys(doc.paths)).toEqual(
    expect.arrayContaining([
      '/healthz',
      '/v1/subjects/{code}',
      '/v1/list-types',
      '/v1/measures',
      '/v1/scenarios',
    ]),
  );
  expect(
    doc.paths['/v1/subjects/{code}'].get.responses['400'].content['application/problem+json'],
  ).toBeDefined();
});
