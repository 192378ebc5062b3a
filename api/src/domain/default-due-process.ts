import { readFileSync } from 'node:fs';
import { type DueProcessData, parseDueProcessData } from './due-process-rules.ts';

const SHIPPED = new URL('../../catalog/due-process.json', import.meta.url);

let cached: DueProcessData | undefined;

/** The due-process rules the product ships (api/catalog/due-process.json), checked. */
export function loadDefaultDueProcess(): DueProcessData {
  if (!cached) {
    try {
      cached = parseDueProcessData(readFileSync(SHIPPED, 'utf8'));
    } catch (err) {
      throw new Error(
        `cannot read the shipped rules api/catalog/due-process.json: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }
  return structuredClone(cached);
}
