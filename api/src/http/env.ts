import type { Principal } from '../auth/roles.ts';
import type { DecisionService } from '../decisions/service.ts';
import type { Catalog } from '../domain/catalog.ts';
import type { Clock } from '../domain/clock.ts';
import type { DueProcessService } from '../due-process/service.ts';
import type { LiveIndex } from '../index/live-index.ts';
import type { RefreshStatus } from '../index/refresher.ts';
import type { Logger } from '../logging/logger.ts';
import type { AnswerCache } from '../lookup/answer-cache.ts';
import type { ClearanceService } from '../oversight/clearances.ts';
import type { SnapshotPublisher } from '../snapshots/publisher.ts';
import type { Store } from '../store/types.ts';
import type { AuthDeps } from './auth.ts';

export interface AppConfig {
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** Largest file POST /v1/imports accepts (CREDCHECK_IMPORT_LIMIT); default bodyLimit. */
  importLimit?: number;
  /** Origins allowed to call /v1 and /.well-known from a browser (CREDCHECK_CORS_ORIGINS); default any (`*`). */
  corsOrigins?: readonly string[];
  /** Decisions without feedback for this long are overdue (CREDCHECK_FEEDBACK_DUE); default 7 days. */
  feedbackDueMs?: number;
  /** Webhook targets may use plain http:// beyond localhost (CREDCHECK_WEBHOOK_ALLOW_HTTP); default no. */
  webhookAllowHttp?: boolean;
  /** When set, /metrics asks for `Authorization: Bearer <token>` (CREDCHECK_METRICS_TOKEN); default open. */
  metricsToken?: string | null;
  /** Bytes of serialized lookup answers kept (CREDCHECK_LOOKUP_CACHE_MB); default 32 MiB, 0 = none. */
  lookupCacheBytes?: number;
}

/** What the operations endpoints (/readyz, /metrics) and a draining server need from the runtime. */
export interface OpsDeps {
  /** How the index's catch-ups with the change log went. */
  refreshStatus(): RefreshStatus;
  /** The refresher's interval (CREDCHECK_REFRESH_MS): a success older than a few of them is stale. */
  refreshMs: number;
  /** Aborts when the server starts shutting down: /readyz answers 503, live streams end. */
  stopping: AbortSignal;
}

export interface AppDeps {
  store: Store;
  clock: Clock;
  config: AppConfig;
  secrets: { idHmacKey: string };
  /** The catalog in force (loaded from the store at start, replaced when it changes). */
  catalog: () => Catalog | null;
  /** Every subject and entry in memory, caught up from the change log: hot reads never query the store. */
  index: LiveIndex;
  /** Catches the index up with the store now (after a write through this app); returns its seq. */
  refreshIndex?: () => Promise<number>;
  /** Decides, signs receipts and records decisions. */
  decisions: DecisionService;
  /** Designation, objections, credit repair and expiry events. */
  dueProcess?: DueProcessService;
  /** Cleared false matches: recorded, revoked, and kept in memory for decisions. */
  clearances: ClearanceService;
  /** The hash-prefix snapshot the extension syncs, with deltas; absent where none is published. */
  snapshots?: SnapshotPublisher;
  /** Admin key and rate limits; without it, keys still work and nothing is rate-limited. */
  auth?: AuthDeps;
  /** Readiness and shutdown state; absent, /readyz judges by the change lag alone. */
  ops?: OpsDeps;
  /** Serialized lookup answers of the current data version; createApp makes one when absent. */
  lookupAnswers?: AnswerCache;
  /** Where log lines go (CREDCHECK_LOG); absent, request lines are not written and errors go to stderr. */
  logger?: Logger;
}

export interface AppEnv {
  Variables: { deps: AppDeps; requestId: string; principal: Principal };
}
