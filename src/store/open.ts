import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventStore } from './port.ts';
import { SelfHealingSqliteStore } from './sqlite/self-healing.ts';
import { openSqliteStore } from './sqlite/sqlite-store.ts';

export interface StoreConfig {
  kind: 'sqlite' | 'kurrentdb' | 'postgres';
  dataDir: string;
  kurrentdbUrl?: string;
  /** PostgreSQL; when absent, libpq's PG* variables say where. */
  databaseUrl?: string;
  /** SQLite only: FULL (default) survives power loss; NORMAL only for tests and benchmarks. */
  synchronous?: 'FULL' | 'NORMAL';
}

const DEFAULT_KURRENTDB_URL = 'kurrentdb://127.0.0.1:2113?tls=false';

interface KurrentModule {
  openKurrentStore(url: string): Promise<EventStore>;
}

interface PostgresModule {
  openPostgresStore(opts: { connectionString?: string }): Promise<EventStore>;
}

export async function openStore(cfg: StoreConfig): Promise<EventStore> {
  switch (cfg.kind) {
    case 'sqlite': {
      mkdirSync(cfg.dataDir, { recursive: true });
      const open = () => openSqliteStore({ file: join(cfg.dataDir, 'events.sqlite3'), ...(cfg.synchronous ? { synchronous: cfg.synchronous } : {}) });
      return new SelfHealingSqliteStore(await open(), open);
    }
    case 'kurrentdb': {
      // Loaded only when chosen, so a SQLite deployment never loads the gRPC client; the
      // specifier is a variable so the type check does not depend on the adapter's file.
      const specifier = new URL('./kurrentdb/kurrentdb-store.ts', import.meta.url).href;
      const m = (await import(specifier)) as KurrentModule;
      return m.openKurrentStore(cfg.kurrentdbUrl ?? DEFAULT_KURRENTDB_URL);
    }
    case 'postgres': {
      // Loaded only when chosen, like KurrentDB: a SQLite deployment never loads pg.
      const specifier = new URL('./postgres/postgres-store.ts', import.meta.url).href;
      const m = (await import(specifier)) as PostgresModule;
      return m.openPostgresStore(cfg.databaseUrl !== undefined ? { connectionString: cfg.databaseUrl } : {});
    }
  }
}
