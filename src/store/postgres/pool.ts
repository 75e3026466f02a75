import pg from 'pg';
import { unavailable } from './errors.ts';
import { migrate } from './migrate.ts';

export interface PoolOptions {
  /** `postgres://…`; when absent, libpq's PG* variables (PGHOST, PGDATABASE…). */
  connectionString?: string;
  applicationName: string;
  max: number;
  connectTimeoutMs?: number;
}

/**
 * A pool on a database whose schema is migrated, and the client settings for the dedicated LISTEN
 * connection beside it. Fails with StoreUnavailable when the server cannot be reached.
 */
export async function openMigratedPool(opts: PoolOptions): Promise<{ pool: pg.Pool; client: pg.ClientConfig }> {
  const client: pg.ClientConfig = {
    ...(opts.connectionString !== undefined ? { connectionString: opts.connectionString } : {}),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
    keepAlive: true,
    application_name: opts.applicationName,
  };
  const pool = new pg.Pool({ ...client, max: opts.max, idleTimeoutMillis: 30_000 });
  // An idle connection that the server drops emits here; without a listener the process would
  // crash. The pool has already discarded it, and the next query opens a new one.
  pool.on('error', () => {});
  try {
    const c = await pool.connect();
    try {
      await migrate(c);
    } finally {
      c.release();
    }
  } catch (err) {
    await pool.end().catch(() => {});
    throw unavailable(err);
  }
  return { pool, client };
}
