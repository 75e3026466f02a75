import type { Database } from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Ordered and append-only: a released migration is never edited, a change is a new entry.
 * The events table is the log itself; everything else the application keeps is rebuilt from it.
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      CREATE TABLE events (
        -- The global 0-based index. Assigned as max + 1 inside the write transaction and never
        -- deleted, so it is dense; as INTEGER PRIMARY KEY it is the rowid, the cheapest order to read in.
        idx            INTEGER PRIMARY KEY,
        stream         TEXT    NOT NULL,
        revision       INTEGER NOT NULL,
        event_id       TEXT    NOT NULL UNIQUE,
        type           TEXT    NOT NULL,
        schema_version INTEGER NOT NULL,
        recorded_at    TEXT    NOT NULL,
        data           TEXT    NOT NULL,
        metadata       TEXT    NOT NULL,
        leaf_hash      BLOB    NOT NULL,
        -- Its index (stream, revision) also serves every per-stream lookup, so no separate
        -- index on stream: one fewer B-tree to update on each append.
        UNIQUE (stream, revision)
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'leaf format 2',
    // NULL for the events written before: they keep their v1 leaves. Otherwise the opening as
    // /events serves it ({"leafVersion":2,"seed":…} or, after a redaction, salts and redacted).
    sql: 'ALTER TABLE events ADD COLUMN opening TEXT;',
  },
  {
    version: 3,
    name: 'leaf hashes by index',
    // Start-up reads every stored leaf hash in index order (src/store/sqlite/leaf-hashes.ts). From
    // the table that walks every page of every event's data; this covering index holds 41 bytes an
    // event, so the read walks a fifteenth of the pages (docs/operations.md, "Memory and start-up").
    // Built once when an older file is first opened: a few seconds at a million events.
    sql: 'CREATE INDEX events_leaf_hashes ON events (idx, leaf_hash);',
  },
];

/** Latest schema version this code knows. */
export const latestVersion = migrations.reduce((v, m) => Math.max(v, m.version), 0);

/**
 * Applies the missing migrations in one IMMEDIATE transaction, so two processes opening a new
 * file at the same moment cannot both run them: the second waits (busy_timeout), then finds them done.
 */
export function migrate(db: Database): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_version (
      version    INTEGER PRIMARY KEY,
      name       TEXT NOT NULL,
      applied_at TEXT NOT NULL
    ) STRICT`);
    const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
    const current = row.v ?? 0;
    if (current > latestVersion) {
      throw new Error(`database schema version ${current} is newer than this code (${latestVersion}); refusing to open`);
    }
    const record = db.prepare('INSERT INTO schema_version (version, name, applied_at) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const m of migrations) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
      applied.push(m.version);
    }
    return applied;
  });
  return run.immediate();
}
