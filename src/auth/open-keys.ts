import type { Config } from '../config.ts';
import { ensureAdmin, KeyError, KeyRing, writeAdminToken } from './keys.ts';

export interface OpenedKeys {
  ring: KeyRing;
  /** Set when this start created the first admin token file. */
  adminTokenFile?: string;
  close(): Promise<void>;
}

/**
 * The API keys of the configured store: `<data dir>/keys.json`, or on PostgreSQL the database's
 * table, which every instance shares (loaded only then, so SQLite never loads pg).
 */
export async function openKeys(config: Config): Promise<OpenedKeys> {
  if (config.store !== 'postgres') {
    const ring = new KeyRing(KeyRing.fileIn(config.dataDir), config.adminToken);
    const adminTokenFile = ensureAdmin(ring, config.dataDir, config.adminToken !== undefined);
    return { ring, ...(adminTokenFile !== undefined ? { adminTokenFile } : {}), close: async () => {} };
  }
  const { PostgresKeys } = await import('./postgres-keys.ts');
  const keys = await PostgresKeys.open(config.databaseUrl !== undefined ? { connectionString: config.databaseUrl } : {});
  let adminTokenFile: string | undefined;
  if (config.adminToken === undefined && keys.keys().length === 0) {
    try {
      const { token } = await keys.create('admin', 'first-start admin', 'admin');
      adminTokenFile = writeAdminToken(config.dataDir, token);
    } catch (err) {
      // Another instance starting at the same moment created it: its data directory has the token.
      if (!(err instanceof KeyError)) {
        await keys.close();
        throw err;
      }
    }
  }
  return { ring: keys.ring(config.adminToken), ...(adminTokenFile !== undefined ? { adminTokenFile } : {}), close: () => keys.close() };
}
