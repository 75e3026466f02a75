import fs from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { CheckpointArchive, LEAVES_FILE } from '../../src/log/checkpoint-archive.ts';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { signingKeyFromSeed } from '../../src/log/keys.ts';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { MerkleLog } from '../../src/log/merkle.ts';
import { checkTreeAgainstKept } from '../../src/log/tree-check.ts';
import { firstBadLeaf, signedRoots } from '../../src/log/verify-bisect.ts';
import { verifyEvents } from '../../src/log/verify.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import { tempDir } from '../http/harness.ts';

const key = signingKeyFromSeed(Buffer.alloc(32, 9), 'bisect.test/log');
const N = 300;

function events(n: number): StoredEvent[] {
  const out: StoredEvent[] = [];
  for (let i = 0; i < n; i++) {
    const e: StoredEvent = {
      index: BigInt(i), position: BigInt(i), stream: `incident-${i % 7}`, revision: BigInt(Math.floor(i / 7)),
      eventId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`, type: 'ClaimRecorded', schemaVersion: 1,
      recordedAt: '2024-10-07T09:15:00.000Z', data: { claimId: `c-${i}`, value: { kind: 'exact', value: 6 } },
      metadata: { actor: 'editor-1', correlationId: `req-${i}` },
    };
    out.push({ ...e, leafHash: eventLeafHash(e) });
  }
  return out;
}

/** What an attacker with write access to the store does: edits one event and rewrites its stored leaf hash to match. */
function rewrite(log: StoredEvent[], i: number): StoredEvent[] {
  return log.map((e) => {
    if (Number(e.index) !== i) return e;
    const edited = { ...e, data: { ...(e.data as object), value: { kind: 'exact', value: 7 } } };
    return { ...edited, leafHash: eventLeafHash(edited) };
  });
}

/** A store of N events whose server signed (and kept) checkpoints at random sizes as it grew. */
function setup(t: { teardown(fn: () => void): void }, sizes: number[]): { dir: string; archive: CheckpointArchive; log: StoredEvent[] } {
  const dir = tempDir('palimpsest-bisect-');
  const archive = CheckpointArchive.open(dir);
  t.teardown(() => {
    archive.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const log = events(N);
  const tree = new MerkleLog();
  for (const e of log) tree.append(eventLeafHash(e));
  for (const size of sizes) archive.keep(signCheckpoint(key, size, tree.root(size)), (i) => tree.leafHash(i));
  return { dir, archive, log };
}

async function locate(log: StoredEvent[], archive: CheckpointArchive, useKeptLeaves = true): Promise<ReturnType<typeof firstBadLeaf>> {
  const { log: recomputed } = await verifyEvents(log);
  const { roots } = signedRoots(archive.readAll().checkpoints, key.verifierKey);
  return firstBadLeaf(roots, recomputed, useKeptLeaves ? archive.keptLeaves() : undefined);
}

const random = (n: number): number => Math.floor(Math.random() * n);

t.test('an event and its leaf hash rewritten at a random index: plain verify passes, the bisection names it', async (t) => {
  const sizes = [...new Set([1, 17, 64, 65, 150, 151, 299, N, ...Array.from({ length: 5 }, () => 1 + random(N))])].sort((a, b) => a - b);
  const { archive, log } = setup(t, sizes);
  t.same(await locate(log, archive), { kind: 'sound', checkedSize: N }, 'an untouched log is sound');
  for (const i of [0, 64, 150, N - 1, random(N), random(N), random(N)]) {
    const tampered = rewrite(log, i);
    t.ok((await verifyEvents(tampered)).ok, `index ${i}: the store agrees with itself`);
    const found = await locate(tampered, archive);
    t.match(found, { kind: 'bad-leaf', index: i }, `index ${i} named`);
    if (found.kind === 'bad-leaf') t.ok(found.goodSize <= i && i < found.badSize, 'within the bounding checkpoints');
  }
});

t.test('two rewritten events: the first is named', async (t) => {
  const { archive, log } = setup(t, [10, N]);
  t.match(await locate(rewrite(rewrite(log, 200), 120), archive), { kind: 'bad-leaf', index: 120, goodSize: 10, badSize: N });
});

t.test('without the kept leaves the checkpoints only bound the damage, unless they are adjacent', async (t) => {
  const { archive, log } = setup(t, [100, 140, 141, N]);
  t.same(await locate(rewrite(log, 120), archive, false), { kind: 'bad-range', from: 100, to: 140 });
  t.same(await locate(rewrite(log, 140), archive, false), { kind: 'bad-leaf', index: 140, goodSize: 140, badSize: 141 });
});

t.test('kept leaves rewritten too are trusted only as far as the signed roots confirm them', async (t) => {
  const { dir, archive, log } = setup(t, [100, 140, N]);
  // The attacker also writes the new leaf hash into the archive's copy.
  const tampered = rewrite(log, 120);
  const fd = fs.openSync(path.join(dir, LEAVES_FILE), 'r+');
  fs.writeSync(fd, tampered[120]?.leafHash ?? Buffer.alloc(32), 0, 32, 120 * 32);
  fs.closeSync(fd);
  t.same(await locate(tampered, archive), { kind: 'bad-range', from: 100, to: 140 }, 'no false name');
  // A forged line in the archive proves nothing: its signature does not hold.
  const forged = signCheckpoint(signingKeyFromSeed(Buffer.alloc(32, 1), 'bisect.test/log'), 130, Buffer.alloc(32));
  const { roots, refused } = signedRoots([...archive.readAll().checkpoints, { note: forged }], key.verifierKey);
  t.equal(roots.length, 3);
  t.match(refused, [{ reason: /signature|key/ }]);
});

t.test('a log that lost its last events names the first missing one', async (t) => {
  const { archive, log } = setup(t, [100, N]);
  t.same(await locate(log.slice(0, 250), archive), { kind: 'missing-leaves', index: 250, badSize: N });
  t.same(await locate(log.slice(0, 250), archive, false), { kind: 'bad-range', from: 100, to: N });
  t.same(await locate(log.slice(0, 100), archive, false), { kind: 'missing-leaves', index: 100, badSize: N });
});

t.test('an event after the last kept checkpoint is beyond what any signature covers', async (t) => {
  const { archive, log } = setup(t, [100]);
  t.same(await locate(rewrite(log, 200), archive), { kind: 'sound', checkedSize: 100 });
});

t.test('checkTreeAgainstKept: one root when sound, the named leaf when not, forged lines ignored', async (t) => {
  const { dir, archive, log } = setup(t, [50, 120, 200]);
  const { log: intact } = await verifyEvents(log);
  t.same(checkTreeAgainstKept(intact, archive, key.verifierKey), { ok: true, checkedSize: 200 });
  // A line appended by someone without the key, claiming a bigger tree, is skipped.
  const other = signingKeyFromSeed(Buffer.alloc(32, 2), 'bisect.test/log');
  const fake = signCheckpoint(other, N, Buffer.alloc(32, 3));
  fs.appendFileSync(path.join(dir, 'checkpoints.ndjson'), `${JSON.stringify({ size: N, root: Buffer.alloc(32, 3).toString('base64'), note: fake })}\n`);
  t.same(checkTreeAgainstKept(intact, archive, key.verifierKey), { ok: true, checkedSize: 200 });

  const i = random(200);
  const { log: recomputed } = await verifyEvents(rewrite(log, i));
  const r = checkTreeAgainstKept(recomputed, archive, key.verifierKey);
  t.match(r, { ok: false, found: { kind: 'bad-leaf', index: i } });
  if (!r.ok) t.match(r.reason, new RegExp(`^leaf ${i} is not the one the signed checkpoints`));
  t.match(checkTreeAgainstKept((await verifyEvents(log.slice(0, 150))).log, archive, key.verifierKey), { ok: false, found: { kind: 'missing-leaves', index: 150 } });
});
