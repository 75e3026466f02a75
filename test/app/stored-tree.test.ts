/**
 * The stored tree read in bulk at start (docs/log.md, "The server checks itself"): SQLite's
 * readLeafHashes gives the stored leaf hashes end to end, and a rewritten stored leaf hash is still
 * caught before serving, with a snapshot on disk as without one.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import t from 'tap';
import { storedLeafTree } from '../../src/app/self-check.ts';
import { snapshotPath } from '../../src/app/snapshots.ts';
import { openRuntime } from '../../src/cli/runtime.ts';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { generateLog } from '../../scripts/gen-log.ts';
import { tempDir, testConfig } from '../http/harness.ts';

const EVENTS = 3000;

t.test('readLeafHashes: the stored hashes end to end, any range', async (t) => {
  const dir = tempDir('palimpsest-stored-tree-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  await generateLog(dir, EVENTS, { quiet: true });
  const store = await openSqliteStore({ file: path.join(dir, 'events.sqlite3') });
  t.teardown(() => store.close());
  const events = await store.readAll({ from: 0n, limit: EVENTS });
  const all = Buffer.concat(events.map((e) => e.leafHash ?? Buffer.alloc(0)));
  t.equal(all.length, EVENTS * 32);
  t.ok((await store.readLeafHashes(0n, EVENTS)).equals(all), 'all of them');
  t.ok((await store.readLeafHashes(1234n, 500)).equals(all.subarray(1234 * 32, 1734 * 32)), 'a middle range');
  t.ok((await store.readLeafHashes(BigInt(EVENTS - 10), 100)).equals(all.subarray((EVENTS - 10) * 32)), 'a range past the end stops at the end');
  t.equal((await store.readLeafHashes(BigInt(EVENTS), 10)).length, 0, 'nothing past the end');
  const tree = await storedLeafTree(store, BigInt(EVENTS));
  t.equal(tree.size, EVENTS);
  t.ok(tree.leafHash(2999).equals(events[2999]?.leafHash ?? Buffer.alloc(0)), 'the tree holds them');
});

t.test('a rewritten stored leaf hash is caught before serving, snapshot or not', async (t) => {
  for (const withSnapshot of [false, true]) {
    await t.test(withSnapshot ? 'with a snapshot' : 'without a snapshot', async (t) => {
      const dir = tempDir('palimpsest-stored-tree-');
      t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
      await generateLog(dir, EVENTS, { quiet: true });
      const first = await openRuntime(testConfig(dir));
      const cp = await first.app.inject({ method: 'GET', url: '/log/checkpoint' });
      t.equal(cp.statusCode, 200, 'a checkpoint signed and kept');
      await first.close();
      if (!withSnapshot) fs.rmSync(snapshotPath(dir), { force: true });
      t.equal(fs.existsSync(snapshotPath(dir)), withSnapshot);
      const db = new Database(path.join(dir, 'events.sqlite3'));
      db.prepare('UPDATE events SET leaf_hash = ? WHERE idx = ?').run(randomBytes(32), 1777);
      db.close();
      const rt = await openRuntime(testConfig(dir));
      t.teardown(() => rt.close());
      const h = await rt.app.inject({ method: 'GET', url: '/health' });
      t.equal(h.statusCode, 503, 'tampered at once, before any background check');
      t.match(JSON.parse(h.body), { status: 'tampered', firstBadLeaf: { index: 1777 } });
    });
  }
});
