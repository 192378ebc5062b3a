#!/usr/bin/env node
// Process entry: runs the TypeScript sources directly (no build step) and stops gracefully on signals.
import { register } from 'tsx/esm/api';

register();
const { startServer } = await import('../src/server.ts');
let stopping = false;
try {
  const server = await startServer(process.env);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      // A second signal while draining (Ctrl-C twice) stops at once.
      if (stopping) process.exit(1);
      stopping = true;
      server.close().then(
        () => process.exit(0),
        (err) => {
          server.logger.log('error', `shutdown failed: ${err instanceof Error ? err.message : String(err)}`);
          process.exit(1);
        },
      );
    });
  }
} catch (err) {
  const msg = `credcheck: cannot start: ${err instanceof Error ? err.message : String(err)}`;
  if (process.env.CREDCHECK_LOG === 'json') {
    console.error(JSON.stringify({ level: 'error', time: new Date().toISOString(), msg }));
  } else console.error(msg);
  if (process.env.DEBUG && err instanceof Error) console.error(err.stack);
  process.exit(1);
}
