#!/usr/bin/env node
// Process entry: runs the TypeScript sources directly (no build step) and stops gracefully on signals.
import { register } from 'tsx/esm/api';

register();
const { startServer } = await import('../src/server.ts');
try {
  const server = await startServer(process.env);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      server.close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
} catch (err) {
  console.error(`credcheck: cannot start: ${err instanceof Error ? err.message : String(err)}`);
  if (process.env.DEBUG && err instanceof Error) console.error(err.stack);
  process.exit(1);
}
