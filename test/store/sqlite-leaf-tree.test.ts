/**
 * The stored tree of a SQLite store built on its leaf-tree thread (EventStore.readLeafTree), which
 * start-up uses: the same tree, node by node, as the one built on the main thread from
 * readLeafHashes; the same failures; and no thread left behind.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import t from 'tap';
import type { Test } from 'tap';
import { leafTreeHere } from '../../src/app/self-check.ts';
import { leafTreeOffThread } from '../../src/store/sqlite/leaf-tree.ts';
import { openSqliteStore, type SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { generateLog } from '../../scripts/gen-log.ts';
import { tempDir } from '../http/harness.ts';

const EVENTS = 3000;

async function generated(t: Test): Promise<{ dir: string; file: string; store: SqliteStore }> {
  const dir = tempDir('palimpsest-leaf-tree-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  await generateLog(dir, EVENTS, { quiet: true });
  const file = path.join(dir, 'events.sqlite3');
  const store = await openSqliteStore({ file });
  t.teardown(() => store.close());
  return { dir, file, store };
}

function rewriteLeaf(file: string, index: number, hash: Buffer): void {
  const db = new Database(file);
  db.prepare('UPDATE events SET leaf_hash = ? WHERE idx = ?').run(hash, index);
  db.close();
}

t.test('the thread builds the tree built here: every level, node by node', async (t) => {
  const { store } = await generated(t);
  for (const size of [EVENTS, 1234, 1, 0]) {
    const off = await store.readLeafTree(BigInt(size));
    const here = await leafTreeHere(store, BigInt(size));
    t.equal(off.size, size, `${size} leaves`);
    t.ok(off.root().equals(here.root()), `the root of ${size}`);
    // serialize() lays out every stored node of every level.
    t.ok(off.serialize().equals(here.serialize()), `the levels of ${size}`);
  }
  const past = await store.readLeafTree(BigInt(EVENTS + 100));
  t.equal(past.size, EVENTS, 'a size past the end stops at the end');
  const whole = await leafTreeHere(store, BigInt(EVENTS));
  for (const m of [1, 2, 3, 1000, 2047, 2048, 2999]) t.ok(past.root(m).equals(whole.root(m)), `the root of the first ${m}`);
});

t.test('a rewritten stored leaf hash is read as stored, and the tree gives it away', async (t) => {
  const { file, store } = await generated(t);
  const before = await store.readLeafTree(BigInt(EVENTS));
  const forged = randomBytes(32);
  rewriteLeaf(file, 1777, forged);
  const off = await store.readLeafTree(BigInt(EVENTS));
  const here = await leafTreeHere(store, BigInt(EVENTS));
  t.ok(off.leafHash(1777).equals(forged), 'the forged hash at its place');
  t.ok(off.serialize().equals(here.serialize()), 'the same tree as built here');
  t.notOk(off.root().equals(before.root()), 'another root');
  t.ok(off.root(1777).equals(before.root(1777)), 'the same root before it');
});

t.test('a stored leaf hash of another length fails on the thread as it fails here', async (t) => {
  const { file, store } = await generated(t);
  rewriteLeaf(file, 100, randomBytes(31));
  const here = await leafTreeHere(store, BigInt(EVENTS)).then(() => undefined, (err: unknown) => err);
  t.ok(here instanceof Error, 'the main-thread path throws');
  const message = here instanceof Error ? here.message : '';
  t.match(message, /are 95999 bytes, not 32 each/);
  await t.rejects(store.readLeafTree(BigInt(EVENTS)), { message }, 'the same error');
});

t.test('a database file that cannot be opened is an error with its SQLite code', async (t) => {
  const dir = tempDir('palimpsest-leaf-tree-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  await t.rejects(leafTreeOffThread(path.join(dir, 'missing.sqlite3'), 10n), { code: 'SQLITE_CANTOPEN', message: /unable to open/ });
});

t.test('the thread does not keep the process alive', async (t) => {
  const { dir, file } = await generated(t);
  // A process that builds the tree and closes its store must exit on its own, soon.
  const script = path.join(dir, 'leaf-tree-child.mts');
  const src = (p: string): string => JSON.stringify(fileURLToPath(new URL(p, import.meta.url)));
  fs.writeFileSync(script, [
    `import { openSqliteStore } from ${src('../../src/store/sqlite/sqlite-store.ts')};`,
    `const store = await openSqliteStore({ file: ${JSON.stringify(file)} });`,
    `const tree = await store.readLeafTree(${EVENTS}n);`,
    'await store.close();',
    "process.stdout.write(String(tree.size));",
  ].join('\n'));
  const out = execFileSync(process.execPath, ['--import', 'tsx', script], { timeout: 30_000, encoding: 'utf8' });
  t.equal(out, String(EVENTS), 'built, and the process ended');
});
