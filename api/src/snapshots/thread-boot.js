// Plain JavaScript on purpose: a worker thread does not inherit the TypeScript loader that the API
// process registered, so it registers its own before loading the module it was started for.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
