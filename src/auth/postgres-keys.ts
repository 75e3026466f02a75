/**
 * API keys in PostgreSQL, for the store several instances share: one table, so a key created or
 * revoked once (by `palimpsest keys` on any machine) holds on every instance. Each instance keeps
 * the keys in memory, authenticates from there, and re-reads them when notified on the keys
 * channel and at least every poll interval, so a change is seen within a second even if a
 * notification is lost. While the server is away the last keys read stay in force.
 */
import pg from 'pg';
import { Listener } from '../store/postgres/listener.ts';
import { unavailable } from '../store/postgres/errors.ts';
import { openMigratedPool } from '../store/postgres/pool.ts';
import { SCHEMA } from '../store/postgres/schema.ts';
import { KeyError, KeyRing, newKey, type KeySource, type Role, type StoredKey } from './keys.ts';

const CHANNEL = 'palimpsest_keys';
const COLUMNS = 'id, name, role, salt, hash, created_at, revoked_at';

interface KeyRow {
  id: string;
  name: string;
  role: Role;
  salt: string;
  hash: string;
  created_at: string;
  revoked_at: string | null;
}

export interface PostgresKeysOptions {
  connectionString?: string;
  /** The longest a change made elsewhere can go unseen when its notification is lost. */
  pollMs?: number;
}

export class PostgresKeys implements KeySource {
  readonly #pool: pg.Pool;
  readonly #listener: Listener;
  readonly #timer: NodeJS.Timeout;
  #keys: readonly StoredKey[] = [];
  #refreshing: Promise<void> | undefined;
  #again = false;

  static async open(opts: PostgresKeysOptions = {}): Promise<PostgresKeys> {
    const { pool, client } = await openMigratedPool({
      ...(opts.connectionString !== undefined ? { connectionString: opts.connectionString } : {}),
      applicationName: 'palimpsest-keys', max: 2,
    });
    const keys = new PostgresKeys(pool, client, opts.pollMs ?? 500);
    try {
      await keys.refresh();
      await keys.#listener.start();
      return keys;
    } catch (err) {
      await keys.close().catch(() => {});
      throw unavailable(err);
    }
  }

  private constructor(pool: pg.Pool, client: pg.ClientConfig, pollMs: number) {
    this.#pool = pool;
    this.#listener = new Listener({ client, channel: CHANNEL, onNotify: () => void this.refresh().catch(() => {}) });
    this.#timer = setInterval(() => void this.refresh().catch(() => {}), pollMs);
    // Polling alone never keeps a process alive.
    this.#timer.unref();
  }

  keys(): readonly StoredKey[] {
    return this.#keys;
  }

  /** A ring that authenticates against these keys (and PALIMPSEST_ADMIN_TOKEN, and ephemeral keys). */
  ring(adminToken?: string): KeyRing {
    // The file name is never used: the source holds the keys.
    return new KeyRing('', adminToken, this);
  }

  /** Re-reads the table; concurrent calls share one read, and a call during a read schedules one more. */
  refresh(): Promise<void> {
    if (this.#refreshing !== undefined) {
      this.#again = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#again = false;
          const { rows } = await this.#pool.query<KeyRow>(`SELECT ${COLUMNS} FROM ${SCHEMA}.api_keys ORDER BY created_at, id`);
          this.#keys = rows.map(toStoredKey);
        } while (this.#again);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  async list(): Promise<Omit<StoredKey, 'salt' | 'hash'>[]> {
    await this.refresh();
    return this.#keys.map(({ salt: _s, hash: _h, ...k }) => k);
  }

  /** Creates a key and returns its token: the only time the token exists outside the caller. */
  async create(role: Role, name: string, id?: string, adminToken?: string): Promise<{ id: string; token: string }> {
    await this.refresh();
    const { key, token } = newKey(role, name, id, this.#keys, adminToken);
    try {
      await this.#pool.query(
        `WITH k AS (INSERT INTO ${SCHEMA}.api_keys (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, NULL) RETURNING id)
         SELECT pg_notify('${CHANNEL}', id) FROM k`,
        [key.id, key.name, key.role, key.salt, key.hash, key.createdAt],
      );
    } catch (err) {
      // Another instance or command created the same id since we read the table.
      if ((err as { code?: unknown }).code === '23505') throw new KeyError(`a key with id ${key.id} exists`);
      throw err;
    }
    await this.refresh();
    return { id: key.id, token };
  }

  async revoke(id: string): Promise<boolean> {
    const { rows } = await this.#pool.query<{ id: string }>(
      `WITH k AS (UPDATE ${SCHEMA}.api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING id)
       SELECT id, pg_notify('${CHANNEL}', id) FROM k`,
      [id, new Date().toISOString()],
    );
    await this.refresh();
    return rows.length > 0;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.#listener.close();
    await this.#refreshing?.catch(() => {});
    await this.#pool.end();
  }
}

function toStoredKey(r: KeyRow): StoredKey {
  return {
    id: r.id, name: r.name, role: r.role, salt: r.salt, hash: r.hash, createdAt: r.created_at,
    ...(r.revoked_at !== null ? { revokedAt: r.revoked_at } : {}),
  };
}
