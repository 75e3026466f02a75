import fs from 'node:fs';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { openKeys } from '../auth/open-keys.ts';
import type { Config } from '../config.ts';
import { buildApp, type AppOptions } from '../http/app.ts';
import type { AppServices } from '../http/services.ts';
import { loadOrCreateSigningKey } from '../log/keys.ts';
import { loadOrCreateRequestHashKey, requestHashKeyFile } from '../log/request-hash-key.ts';
import { openStore } from '../store/open.ts';
import type { EventStore } from '../store/port.ts';
import { allFolds } from '../app/folds.ts';
import { LiveModels } from '../app/live-models.ts';
import { Integrity } from '../app/integrity.ts';
import { checkSparedEvents, checkStoredTree, leafCheck, storedLeafTree } from '../app/self-check.ts';
import { decodeStates, keepSnapshots, readSnapshot, restoreSnapshot, snapshotPath } from '../app/snapshots.ts';
import { CheckpointArchive } from '../log/checkpoint-archive.ts';
import { Reads } from '../app/reads.ts';
import { RedactionService } from '../app/redaction.ts';
import { WriteService } from '../app/write-service.ts';

export interface Runtime extends AppServices {
  app: FastifyInstance;
  /** Set when this start created the first admin token file. */
  adminTokenFile?: string;
  /** Settles when the background checks of the store end (at once without a snapshot); see Integrity for their outcome. */
  selfCheck: Promise<void>;
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
  const store = opts.store ?? (await openStore({ kind: config.store, dataDir: config.dataDir, kurrentdbUrl: config.kurrentdbUrl, databaseUrl: config.databaseUrl, synchronous: config.sqliteSynchronous }));
  let closeKeys = async (): Promise<void> => {};
  let closeArchive = (): void => {};
  try {
    const opened = await openKeys(config);
    closeKeys = opened.close;
    const { ring: keys, adminTokenFile } = opened;
    const signingKey = loadOrCreateSigningKey(config.logKeyFile, config.logOrigin);
    const archive = CheckpointArchive.open(config.dataDir);
    closeArchive = () => archive.close();
    const integrity = new Integrity();
    // Before serving: the stored tree against the last checkpoint this server signed, then every
    // event the read models are built from, its leaf recomputed (docs/log.md, "The server checks itself").
    // The tree is built (on another thread where the store can) while the snapshot is read and
    // decoded here; the snapshot's states are used only once its root is that tree's, and only
    // when the tree holds against the checkpoint.
    const folds = allFolds();
    const building = storedLeafTree(store, await store.size());
    const reading = readSnapshot(config.dataDir, store, folds);
    await Promise.allSettled([building, reading]);
    const storedTree = await checkStoredTree(store, await building, archive, signingKey.verifierKey, integrity);
    const decoded = await reading;
    const restored = integrity.tampered || decoded === undefined ? undefined : restoreSnapshot(decoded, storedTree);
    const live = new LiveModels(store, folds, restored, leafCheck(integrity));
    if (integrity.tampered === undefined) await live.start();
    store.releaseMemory?.();
    const snapshots = keepSnapshots(live, config.dataDir, folds, { ...(restored ? { savedAt: restored.next } : {}), canSave: () => integrity.verified });
    const reads = new Reads(store, live);
    const requestHashKey = loadOrCreateRequestHashKey(requestHashKeyFile(config.logKeyFile));
    const writer = new WriteService(store, live, (id) => reads.sourceExists(id), requestHashKey);
    const redactions = new RedactionService(store, live, writer, async () => {
      writer.forgetLoaded();
      await live.refold();
      await snapshots.rewrite();
    });
    const services: AppServices = { config, store, live, writer, redactions, reads, keys, signingKey, archive, integrity };
    const app = await buildApp(services, {
      ...(opts.logger !== undefined ? { logger: opts.logger } : {}),
      ...(opts.changeFeed !== undefined ? { changeFeed: opts.changeFeed } : {}),
    });
    integrity.reportTo((f) => app.log.error(
      { firstBadLeaf: f.firstBadLeaf, readModel: f.readModel, items: f.items },
      `TAMPERED STORE: ${f.reason}. Serving no data; see docs/operations.md, "When /health says tampered"`,
    ));
    await app.ready();
    // The events the snapshot spared are checked while the server already serves (/health: verifying).
    let closing = false;
    let background: Promise<void> = Promise.resolve();
    if (restored !== undefined && integrity.tampered === undefined) {
      // Only the closures of this block hold the stored tree and the snapshot's bytes (hundreds of
      // megabytes at a million events): both go with the background check.
      const tree = storedTree;
      let bytes: Buffer | undefined = restored.bytes;
      integrity.begin('snapshot');
      background = checkSparedEvents(store, folds, restored.next, tree, integrity, {
        restored: () => {
          const states = bytes === undefined ? new Map<string, unknown>() : decodeStates(bytes, folds, tree).states;
          bytes = undefined;
          return states;
        },
        discard: () => fs.promises.rm(snapshotPath(config.dataDir), { force: true }),
      }, () => closing)
        .catch((err: unknown) => app.log.error({ err }, 'the background check of the snapshot failed'))
        .finally(() => {
          store.releaseMemory?.();
          if (!closing) integrity.end('snapshot');
        });
    }
    return {
      ...services,
      app,
      selfCheck: background,
      ...(adminTokenFile !== undefined ? { adminTokenFile } : {}),
      async close() {
        closing = true;
        await background;
        await app.close();
        await live.stop();
        await snapshots.close();
        await store.close();
        await closeKeys();
        archive.close();
      },
    };
  } catch (err) {
    closeArchive();
    await closeKeys();
    await store.close();
    throw err;
  }
}

