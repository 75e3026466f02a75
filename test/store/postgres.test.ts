/**
 * The shared EventStore contract against a real PostgreSQL (a throwaway cluster, or
 * PALIMPSEST_TEST_DATABASE_URL), plus what only this adapter does: migrations in a version
 * table, recordedAt under the head lock, the stored leaf hash, group commit with a refused
 * request inside a batch, LISTEN/NOTIFY between instances, and outages without a restart.
 */
import t from 'tap';
import { openStore, type StoreConfig } from '../../src/store/open.ts';
import { postgresForTests } from '../support/postgres.ts';
import { storeContract } from './contract.ts';

const server = await postgresForTests(t, 'PostgreSQL contract suite');
if (server !== undefined) {
  const databaseUrl = await server.newDatabase('contract');
  const config: StoreConfig = { kind: 'postgres', dataDir: '.', databaseUrl };
  storeContract(t, 'postgres', async () => ({
    store: await openStore(config),
    config,
    // The database goes with the cluster (or is dropped by the harness).
    cleanup: async () => {},
  }));
}
