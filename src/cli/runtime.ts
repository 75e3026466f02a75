import fs from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { ensureAdmin, KeyRing } from '../auth/keys.ts';
import type { Config } from '../config.ts';
import { buildApp, type AppOptions } from '../http/app.ts';
import type { AppServices } from '../http/services.ts';
import { loadOrCreateSigningKey } from '../log/keys.ts';
import { loadOrCreateRequestHashKey, requestHashKeyFile } from '../log/request-hash-key.ts';
import { openStore } from '../store/open.ts';
import type { EventStore } from '../store/port.ts';
import { allFolds } from '../app/folds.ts';
import { LiveModels } from '../app/live-models.ts';
import { keepSnapshots, loadSnapshot } from '../app/snapshots.ts';
import { Reads } from '../app/reads.ts';
import { RedactionService } from '../app/redaction.ts';
import { WriteService } from '../app/write-service.ts';

export interface Runtime extends AppServices {
  app: FastifyInstance;
  /** Set when this start created the first admin token file. */
  adminTokenFile?: string;
  close(): Promise<void>;
}

export interface RuntimeOptions {
  logger?: FastifyServerOptions['logger'];
  /** An already open store (tests, benchmarks); otherwise the configured one is opened. */
  store?: EventStore;
  changeFeed?: AppOptions['changeFeed'];
}

/** Opens the store, catches the read models up with the log and builds the HTTP app on top. */
export async function openRuntime(config: Config, opts: RuntimeOptions = {}): Promise<Runtime> {
  fs.mkdirSync(config.dataDir, { recursive: true });
  const store = opts.store ?? (await openStore({ kind: config.store, dataDir: config.dataDir, kurrentdbUrl: config.kurrentdbUrl, synchronous: config.sqliteSynchronous }));
  try {
    const keys = new KeyRing(KeyRing.fileIn(config.dataDir), config.adminToken);
    const adminTokenFile = ensureAdmin(keys, config.dataDir, config.adminToken !== undefined);
    const signingKey = loadOrCreateSigningKey(config.logKeyFile, config.logOrigin);
    const folds = allFolds();
    const restored = await loadSnapshot(config.dataDir, store, folds);
    const live = new LiveModels(store, folds, restored);
    await live.start();
    const snapshots = keepSnapshots(live, config.dataDir, folds, restored ? { savedAt: restored.next } : {});
    const reads = new Reads(store, live);
    const requestHashKey = loadOrCreateRequestHashKey(requestHashKeyFile(config.logKeyFile));
    const writer = new WriteService(store, live, (id) => reads.sourceExists(id), requestHashKey);
    const redactions = new RedactionService(store, live, writer, async () => {
      writer.forgetLoaded();
      await live.refold();
      await snapshots.rewrite();
    });
    const services: AppServices = { config, store, live, writer, redactions, reads, keys, signingKey };
    const app = await buildApp(services, {
      ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
      ...(opts.changeFeed !== undefined ? { changeFeed: opts.changeFeed } : {}),
    });
    await app.ready();
    return {
      ...services,
      app,
      ...(adminTokenFile !== undefined ? { adminTokenFile } : {}),
      async close() {
        await app.close();
        await live.stop();
        await snapshots.close();
        await store.close();
      },
    };
  } catch (err) {
    await store.close();
    throw err;
  }
}

