import t from 'tap';
import * as path from 'node:path';
import type { StoredEvent } from '../../src/store/port.ts';
import { signCheckpoint } from '../../src/log/checkpoint.ts';
import { loadOrCreateSigningKey } from '../../src/log/keys.ts';
import { eventLeafHash } from '../../src/log/leaf.ts';
import { MerkleLog } from '../../src/log/merkle.ts';
import { checkAgainstCheckpoint, verifyEvents } from '../../src/log/verify.ts';

// The leaf test vector of docs/log.md, as event 0.
const geo: StoredEvent = {
  index: 0n,
  position: 100n,
  stream: 'source-geo-news',
  revision: 0n,
  eventId: '0b6c1f3e-7d2a-4c55-9e1b-2f8a6d4c3b10',
  type: 'SourceRegistered',
  schemaVersion: 1,
  recordedAt: '2024-10-07T09:15:00.000Z',
  data: { country: 'PK', kind: 'news-outlet', name: 'Geo News', sourceId: 'geo-news' },
  metadata: { actor: 'admin', correlationId: 'req-1' },
};

function makeEvents(n: number, keepLeafHash = true): StoredEvent[] {
  const events: StoredEvent[] = [{ ...geo }];
  for (let i = 1; i < n; i++) {
    const stream = `incident-${i % 3}`;
    const revision = BigInt(events.filter((e) => e.stream === stream).length);
    events.push({
      index: BigInt(i),
      position: BigInt(100 + i * 7),
      stream,
      revision,
      eventId: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`,
      type: 'ClaimRecorded',
      schemaVersion: 1,
      recordedAt: `2024-10-07T09:${String(15 + i).padStart(2, '0')}:00.000Z`,
      data: { claimId: `c-${i}`, value: { killed: i }, note: 'reported by wire services' },
      metadata: { actor: 'editor-1', correlationId: `req-${i}` },
    });
  }
  if (keepLeafHash) for (const e of events) e.leafHash = eventLeafHash(e);
  return events;
}

async function* slowly<T>(items: T[]): AsyncIterable<T> {
  for (const x of items) yield x;
}

t.test('an intact log verifies and gives the RFC 9162 root', async (t) => {
  const events = makeEvents(12);
  const progress: number[] = [];
  const r = await verifyEvents(slowly(events), { onProgress: (n) => progress.push(n) });
  t.ok(r.ok);
  t.equal(r.firstBad, undefined);
  t.equal(r.size, 12);
  t.equal(r.log.leafHash(0).toString('base64'), 'jFmD9FQikig7SSCK5XneZpj/qfVJqu25aTkq+7KrcqA=', 'docs/log.md vector');
  const expected = new MerkleLog();
  for (const e of events) expected.append(eventLeafHash(e));
  t.same(r.root, expected.root());
  t.same(progress.at(-1), 12, 'progress reports the final count');

  const empty = await verifyEvents([]);
  t.ok(empty.ok);
  t.equal(empty.size, 0);
  t.equal(empty.root.toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
});

t.test('one edited byte in data is named by index, stream and revision', async (t) => {
  const events = makeEvents(12);
  const victim = events[7]!;
  victim.data = { ...(victim.data as object), note: 'reported by wire servicez' };
  const r = await verifyEvents(events);
  t.notOk(r.ok);
  t.equal(r.firstBad?.index, 7);
  t.equal(r.firstBad?.stream, victim.stream);
  t.equal(r.firstBad?.revision, Number(victim.revision));
  t.match(r.firstBad?.reason, /stored leaf hash .* differs from recomputed/);
  t.equal(r.size, 12, 'the whole log is still walked');

  // A second edit further on does not displace the first.
  events[9]!.metadata = { ...events[9]!.metadata, actor: 'mallory' };
  t.equal((await verifyEvents(events)).firstBad?.index, 7);
});

t.test('other faults', async (t) => {
  const gap = makeEvents(6).filter((e) => e.index !== 3n);
  const g = await verifyEvents(gap);
  t.notOk(g.ok);
  t.equal(g.firstBad?.index, 3);
  t.match(g.firstBad?.reason, /index 4, expected 3/);

  const edited = makeEvents(6);
  edited[2]!.recordedAt = '2024-10-07T09:17:00.001Z';
  t.equal((await verifyEvents(edited)).firstBad?.index, 2, 'recordedAt is part of the leaf');

  const bad = makeEvents(4);
  bad[1]!.data = { n: 10n }; // not JSON
  const b = await verifyEvents(bad);
  t.equal(b.firstBad?.index, 1);
  t.match(b.firstBad?.reason, /leaf cannot be computed/);
});

t.test('checkpoints catch what stored leaf hashes cannot', async (t) => {
  const dir = t.testdir();
  const key = loadOrCreateSigningKey(path.join(dir, 'log-key.pem'), 'palimpsest.test/log');
  const events = makeEvents(10, false);
  const before = await verifyEvents(events);
  const cp6 = signCheckpoint(key, 6, before.log.root(6));
  const cp10 = signCheckpoint(key, 10, before.root);
  t.same(checkAgainstCheckpoint(before.log, cp6, key.verifierKey), { ok: true });
  t.same(checkAgainstCheckpoint(before.log, cp10, key.verifierKey), { ok: true });

  // Without stored leaf hashes the edit is invisible to the walk, but not to an auditor's checkpoint.
  events[4]!.data = { ...(events[4]!.data as object), claimId: 'c-44' };
  const after = await verifyEvents(events);
  t.ok(after.ok);
  const res = checkAgainstCheckpoint(after.log, cp6, key.verifierKey);
  t.notOk(res.ok);
  t.match(res.reason, /root of the first 6 leaves is .*, checkpoint says/);
  t.same(checkAgainstCheckpoint(after.log, signCheckpoint(key, 4, after.log.root(4)), key.verifierKey), { ok: true }, 'prefix before the edit');

  const shorter = await verifyEvents(events.slice(0, 5));
  const lost = checkAgainstCheckpoint(shorter.log, cp10, key.verifierKey);
  t.notOk(lost.ok);
  t.match(lost.reason, /exceeds the log's 5 leaves/);

  const other = loadOrCreateSigningKey(path.join(dir, 'other.pem'), 'palimpsest.test/log');
  const wrongKey = checkAgainstCheckpoint(before.log, cp10, other.verifierKey);
  t.notOk(wrongKey.ok);
  t.match(wrongKey.reason, /not signed by key/);
  const forged = checkAgainstCheckpoint(before.log, cp10.replace('\n10\n', '\n9\n'), key.verifierKey);
  t.notOk(forged.ok);
  t.match(forged.reason, /invalid signature/);
});
