/**
 * The PostgreSQL schema, as ordered migrations. Everything lives in its own schema so that the
 * store can share a database a team already runs without colliding with its tables.
 */
export const SCHEMA = 'palimpsest';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Ordered and append-only: a released migration is never edited, a change is a new entry. */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events',
    sql: `
      -- One row: the next global index and the last recordedAt. Every appending transaction locks
      -- it (SELECT … FOR UPDATE) before it reads anything and updates it before COMMIT, so indexes
      -- are handed out one transaction at a time and become visible in the order they were given:
      -- dense, gapless and in commit order. A sequence would leave gaps on rollback and let a later
      -- index commit before an earlier one, and the index is the Merkle leaf index.
      CREATE TABLE ${SCHEMA}.log_head (
        one              boolean PRIMARY KEY DEFAULT true CHECK (one),
        next_index       bigint  NOT NULL CHECK (next_index >= 0),
        last_recorded_at text
      );
      INSERT INTO ${SCHEMA}.log_head (one, next_index, last_recorded_at) VALUES (true, 0, NULL);

      CREATE TABLE ${SCHEMA}.events (
        idx            bigint  PRIMARY KEY CHECK (idx >= 0),
        stream         text    NOT NULL CHECK (stream <> ''),
        revision       bigint  NOT NULL CHECK (revision >= 0),
        event_id       uuid    NOT NULL UNIQUE,
        type           text    NOT NULL,
        schema_version integer NOT NULL CHECK (schema_version >= 1),
        -- Kept as the exact string the leaf hash commits to (YYYY-MM-DDTHH:mm:ss.sssZ).
        recorded_at    text    NOT NULL,
        -- json, not jsonb: jsonb refuses \\u0000 inside strings, which JSON allows. The text is
        -- kept as written; the leaf hash is over its canonical form, so key order does not matter.
        data           json    NOT NULL,
        metadata       json    NOT NULL,
        leaf_hash      bytea   NOT NULL CHECK (octet_length(leaf_hash) = 32),
        -- Also the index for every per-stream read and the stream's head.
        UNIQUE (stream, revision)
      );
    `,
  },
  {
    version: 2,
    name: 'api-keys',
    sql: `
      -- API keys on this store live here, not in each instance's data directory, so that a key
      -- created or revoked once holds on every instance. Only salted hashes, as in the key file.
      CREATE TABLE ${SCHEMA}.api_keys (
        id         text PRIMARY KEY,
        name       text NOT NULL,
        role       text NOT NULL CHECK (role IN ('reader', 'editor', 'auditor', 'admin')),
        salt       text NOT NULL,
        hash       text NOT NULL,
        created_at text NOT NULL,
        revoked_at text
      );
    `,
  },
  {
    version: 3,
    name: 'leaf format 2',
    sql: `
      -- NULL for the events written before: they keep their v1 leaves. Otherwise the opening as
      -- /events serves it ({"leafVersion":2,"seed":…} or, after a redaction, salts and redacted).
      ALTER TABLE ${SCHEMA}.events ADD COLUMN opening json;
    `,
  },
];

export const latestVersion = migrations.reduce((v, m) => Math.max(v, m.version), 0);
