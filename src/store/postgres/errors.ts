import { StoreUnavailable } from '../port.ts';

/**
 * SQLSTATE classes that mean the server cannot serve us right now, not that a statement was wrong:
 * 08 connection exception, 53 insufficient resources (too many connections, disk full),
 * 57 operator intervention (shutdown, crash, cancelled by a timeout), 58 system error (I/O).
 */
const UNAVAILABLE_CLASSES = new Set(['08', '53', '57', '58']);

/** node-postgres reports a lost or refused connection as an Error without a SQLSTATE. */
const CONNECTION_MESSAGE = /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed|Cannot use a pool after calling end|the database system is (starting up|shutting down|in recovery mode)/i;

export function isUnavailable(err: unknown): boolean {
  if (err instanceof StoreUnavailable) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    // Node's own socket errors: ECONNREFUSED, ECONNRESET, ETIMEDOUT, EPIPE, ENOTFOUND, EAI_AGAIN…
    if (/^E[A-Z_]+$/.test(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code)) return UNAVAILABLE_CLASSES.has(code.slice(0, 2));
  }
  if (err instanceof AggregateError) return err.errors.some(isUnavailable);
  return CONNECTION_MESSAGE.test(err.message);
}

/** The error to hand a caller: StoreUnavailable (HTTP 503) when the server is the problem, else the error itself. */
export function unavailable(err: unknown): unknown {
  if (err instanceof StoreUnavailable || !isUnavailable(err)) return err;
  // The message reaches clients in a 503: it names what failed, never the server's address (kept in `cause` for the logs).
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  const what = typeof code === 'string' && /^E[A-Z_]+$/.test(code) ? code
    : typeof code === 'string' ? `SQLSTATE ${code}` : 'connection lost or timed out';
  return new StoreUnavailable(`PostgreSQL unavailable (${what})`, { cause: err });
}
