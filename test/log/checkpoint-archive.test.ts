import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ArchiveError, CHECKPOINTS_FILE, CheckpointArchive, LEAVES_FILE } from '../../src/log/checkpoint-archive.ts';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { signingKeyFromSeed } from '../../src/log/keys.ts';
import { MerkleLog } from '../../src/log/merkle.ts';
import { tempDir } from '../http/harness.ts';

const key = signingKeyFromSeed(Buffer.alloc(32, 5), 'archive.test/log');

function treeOf(n: number, salt = 'a'): MerkleLog {
  const tree = new MerkleLog();
  for (let i = 0; i < n; i++) tree.append(Buffer.alloc(32, `${salt}${i}`));
  return tree;
}
const noteOf = (tree: MerkleLog, size = tree.size): string => signCheckpoint(key, size, tree.root(size));
const leafOf = (tree: MerkleLog) => (i: number): Buffer => tree.leafHash(i);

function setup(t: { teardown(fn: () => void): void }): string {
  const dir = tempDir('palimpsest-archive-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

t.test('keeps each signed checkpoint once, with the leaves it covers, across reopening', async (t) => {
  const dir = setup(t);
  const tree = treeOf(100);
  const a = CheckpointArchive.open(dir);
  t.equal(a.latest(), undefined);
  t.same(a.keptLeaves().size, 0);
  t.ok(a.keep(noteOf(tree, 10), leafOf(tree)));
  t.ok(a.keep(noteOf(tree, 40), leafOf(tree)));
  t.equal(a.keep(noteOf(tree, 40), leafOf(tree)), undefined, 'the same checkpoint again is not kept twice');
  t.ok(a.keep(noteOf(tree, 25), leafOf(tree)), 'a checkpoint of a prefix is kept too');
  t.ok(a.keep(noteOf(tree, 100), leafOf(tree)));
  a.close();

  const b = CheckpointArchive.open(dir);
  t.teardown(() => b.close());
  const { checkpoints, damaged } = b.readAll();
  t.same(checkpoints.map((c) => c.size), [10, 25, 40, 100], 'by size');
  t.equal(damaged, 0);
  t.same(checkpoints[3]?.root, tree.root());
  t.equal(checkpoints[3]?.note, noteOf(tree), 'the note exactly as signed');
  t.same(b.readFrom(26).map((c) => c.size), [40, 100]);
  t.equal(b.latest()?.size, 100);
  const leaves = b.keptLeaves();
  t.equal(leaves.size, 100);
  t.same(leaves.root(), tree.root(), 'the kept leaves are the tree’s');
  t.equal(fs.statSync(path.join(dir, LEAVES_FILE)).size, 100 * 32, 'each leaf written once');

  // Another tree of an already kept size: the server signed two histories.
  const other = treeOf(100, 'b');
  t.throws(() => b.keep(noteOf(other, 40), leafOf(other)), new ArchiveError('fork', 'a checkpoint of size 40 was kept with root'));
});

t.test('a torn last line or a partial last leaf after a crash is skipped, and keeping goes on', async (t) => {
  const dir = setup(t);
  const tree = treeOf(30);
  const a = CheckpointArchive.open(dir);
  a.keep(noteOf(tree, 10), leafOf(tree));
  a.keep(noteOf(tree, 20), leafOf(tree));
  a.close();
  const file = path.join(dir, CHECKPOINTS_FILE);
  // A crash in the middle of writing the line of size 30, after its leaves were half written.
  const line = `${JSON.stringify({ size: 30, root: tree.root().toString('base64'), note: noteOf(tree) })}\n`;
  fs.appendFileSync(file, line.slice(0, 40));
  fs.appendFileSync(path.join(dir, LEAVES_FILE), Buffer.alloc(100, 1));

  const b = CheckpointArchive.open(dir);
  t.teardown(() => b.close());
  t.same(b.readAll(), { checkpoints: b.readAll().checkpoints, damaged: 0 });
  t.equal(b.latest()?.size, 20, 'the torn line is not a checkpoint');
  t.equal(b.keptLeaves().size, 20, 'leaves beyond the latest checkpoint are not offered');
  t.same(b.keptLeaves().root(), tree.root(20));

  t.ok(b.keep(noteOf(tree), leafOf(tree)));
  const { checkpoints, damaged } = b.readAll();
  t.same(checkpoints.map((c) => c.size), [10, 20, 30]);
  t.equal(damaged, 1, 'the torn fragment is one damaged line, not glued to the next');
  t.same(b.keptLeaves().root(), tree.root(), 'the garbage leaves were overwritten');
  t.ok(fs.readFileSync(file, 'utf8').endsWith('\n'));
});

t.test('a line whose fields disagree with its note, or that is not JSON, is damaged, not kept', async (t) => {
  const dir = setup(t);
  const tree = treeOf(8);
  fs.writeFileSync(path.join(dir, CHECKPOINTS_FILE), [
    JSON.stringify({ size: 7, root: tree.root().toString('base64'), note: noteOf(tree) }),
    'not json',
    JSON.stringify({ size: 8, root: tree.root().toString('base64'), note: noteOf(tree) }),
    '',
  ].join('\n'));
  const a = CheckpointArchive.open(dir);
  t.teardown(() => a.close());
  t.same(a.readAll().checkpoints.map((c) => c.size), [8]);
  t.equal(a.readAll().damaged, 2);
});

t.test('two handles on one directory (two processes) see each other’s checkpoints', async (t) => {
  const dir = setup(t);
  const tree = treeOf(50);
  const a = CheckpointArchive.open(dir);
  const b = CheckpointArchive.open(dir);
  t.teardown(() => {
    a.close();
    b.close();
  });
  a.keep(noteOf(tree, 20), leafOf(tree));
  t.equal(b.latest()?.size, 20);
  t.equal(b.keep(noteOf(tree, 20), leafOf(tree)), undefined, 'already kept by the other');
  b.keep(noteOf(tree, 50), leafOf(tree));
  t.same(a.readAll().checkpoints.map((c) => c.size), [20, 50]);
  t.same(a.keptLeaves().root(), tree.root());
});
