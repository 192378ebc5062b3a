import { createApp, OPENAPI_INFO } from './app.ts';
import type { AppDeps } from './http/env.ts';

/** The OpenAPI document depends only on the route definitions, so it is rendered without a store. */
export function openApiDocument() {
  // Only the config is read while routes are registered; nothing touches the store.
  const app = createApp({ config: { bodyLimit: 1 } } as AppDeps);
  return app.getOpenAPI31Document(OPENAPI_INFO);
}

export function renderOpenApi(): string {
  return `${JSON.stringify(openApiDocument(), null, 2)}\n`;
}
