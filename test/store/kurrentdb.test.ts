/**
 * The shared EventStore contract against a live KurrentDB, when KURRENTDB_URL names one (for
 * example the compose file's `kurrentdb` service: kurrentdb://127.0.0.1:2113?tls=false). Without
 * it the suite is skipped, visibly: no KurrentDB server can run where this was written.
 */
import os from 'node:os';
import t from 'tap';
import { withStreamPrefixes } from '../../src/store/kurrentdb/mapping.ts';
import { openStore, type StoreConfig } from '../../src/store/open.ts';
import { storeContract } from './contract.ts';

const url = process.env.KURRENTDB_URL;

if (url === undefined || url === '') {
  // tap's typings want a body even for a skipped subtest; it never runs.
  void t.skip('KurrentDB contract suite: KURRENTDB_URL is not set, no server on this machine', () => {});
} else {
  // The contract writes `contract-…` streams; the adapter treats only its configured prefixes as
  // the log, so the suite's store (and the worker processes it spawns from `config`) adds that one.
  const config: StoreConfig = {
    kind: 'kurrentdb',
    dataDir: os.tmpdir(),
    kurrentdbUrl: withStreamPrefixes(url, ['incident-', 'source-', 'contract-']),
  };
  storeContract(t, 'kurrentdb', async () => ({
    store: await openStore(config),
    config,
    // Nothing to remove: the contract uses fresh random streams on a shared server.
    cleanup: async () => {},
  }));
}
