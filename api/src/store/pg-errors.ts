/**
 * pg reports a connection lost under a statement as a bare Error ("Connection terminated
 * unexpectedly", "… is not queryable"), without the SQLSTATE that the HTTP layer maps to 503: a
 * failover or a restarted server would answer 500 as if the request had found a bug.
 */
const LOST = /^(Connection terminated|Client has encountered a connection error|Client was closed)/;

/** SQLSTATE connection_failure: the store could not be reached, the request may be retried. */
export const CONNECTION_FAILURE = '08006';

/** Gives a lost-connection error from pg the SQLSTATE it lacks; returns it (any other error unchanged). */
export function withConnectionCode(err: unknown): unknown {
  if (err instanceof Error && !(err as { code?: unknown }).code && LOST.test(err.message)) {
    (err as Error & { code: string }).code = CONNECTION_FAILURE;
  }
  return err;
}
