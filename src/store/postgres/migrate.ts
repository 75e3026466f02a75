import type pg from 'pg';
import { SCHEMA, latestVersion, migrations } from './schema.ts';

/** Any constant of our own: serialises migrations between instances starting at the same moment. */
const MIGRATION_LOCK = 0x70616c69;

/**
 * Creates the schema and applies the missing migrations in one transaction, under a
 * transaction-scoped advisory lock: two instances starting together cannot both run them (the
 * second waits, then finds them done), and a failed migration leaves nothing half-applied.
 */
export async function migrate(client: pg.ClientBase): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${SCHEMA}.schema_version (
      version    integer PRIMARY KEY,
      name       text        NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${SCHEMA}.schema_version`);
    const current = rows[0]?.v ?? 0;
    if (current > latestVersion) {
      throw new Error(`database schema version ${current} is newer than this code (${latestVersion}); refusing to open`);
    }
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      await client.query(m.sql);
      await client.query(`INSERT INTO ${SCHEMA}.schema_version (version, name) VALUES ($1, $2)`, [m.version, m.name]);
      applied.push(m.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  }
}
