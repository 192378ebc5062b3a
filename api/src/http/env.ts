import type { Catalog } from '../domain/catalog.ts';
import type { Clock } from '../domain/clock.ts';
import type { Store } from '../store/types.ts';

export interface AppConfig {
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
}

export interface AppDeps {
  store: Store;
  clock: Clock;
  config: AppConfig;
  secrets: { idHmacKey: string };
  /** The catalog in force (loaded from the store at start, replaced when it changes). */
  catalog: () => Catalog | null;
}

export interface AppEnv {
  Variables: { deps: AppDeps; requestId: string };
}
