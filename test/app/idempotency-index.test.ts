/**
 * The idempotency index kept packed across a snapshot: what a restore gives back answers every
 * lookup as the index it was packed from, and decodes nothing until the first lookup.
 */
import t from 'tap';
import * as v8 from 'node:v8';
import { idempotencyIndex, idempotencyScope, IdempotencyIndex } from '../../src/app/idempotency.ts';
import type { StoredEvent } from '../../src/store/port.ts';

let index = 0n;
function keyed(stream: string, revision: bigint, key: string | undefined, data: Record<string, unknown>, actor = 'desk'): StoredEvent {
  const i = index++;
  return {
    index: i, position: i * 10n, stream, revision, eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    type: 'ClaimRecorded', schemaVersion: 1, recordedAt: '2024-10-07T09:15:00.000Z', data,
    metadata: { actor, ...(key !== undefined ? { idempotencyKey: key, requestHash: `hash-${key}` } : {}) },
  } as StoredEvent;
}

t.test('packed and restored, the index answers as the one it came from, and opens on first use', async (t) => {
  let state = idempotencyIndex.initial();
  const events = [
    keyed('incident-a', 0n, 'k1', { incidentId: 'a' }),
    keyed('incident-a', 1n, 'k1', { claimId: 'c-1' }), // the same request's second event moves it on
    keyed('incident-a', 2n, 'k2', { claimId: 'c-2', sourceId: 'geo-news' }),
    keyed('incident-b', 0n, 'k2', { incidentId: 'b' }, 'other-desk'), // same key, another actor
    keyed('incident-b', 1n, undefined, { claimId: 'c-3' }),
    keyed('source-x', 0n, 'k3', { sourceId: 'x', note: 'not an id' }),
  ];
  for (const e of events) state = idempotencyIndex.apply(state, e);
  const stored = v8.deserialize(v8.serialize(idempotencyIndex.forSnapshot!(state)));
  const restored = idempotencyIndex.afterRestore!(stored);
  t.equal(restored.isOpen, false, 'nothing decoded by the restore');
  t.equal(idempotencyIndex.serialize(restored), idempotencyIndex.serialize(state), 'every record equal');
  t.same(restored.get(idempotencyScope('desk', 'k1')), { requestHash: 'hash-k1', stream: 'incident-a', ids: { incidentId: 'a' }, revision: 1n, index: 1n, position: 10n });
  t.same(restored.get(idempotencyScope('desk', 'k3'))?.ids, { sourceId: 'x' });
  t.equal(restored.get(idempotencyScope('nobody', 'k1')), undefined);
  t.equal(restored.isOpen, true);
  // It goes on folding after the restore as the original does.
  const next = keyed('incident-a', 3n, 'k4', { claimId: 'c-4' });
  t.equal(idempotencyIndex.serialize(idempotencyIndex.apply(restored, next)), idempotencyIndex.serialize(idempotencyIndex.apply(state, next)));
});

t.test('a snapshot whose idempotency state is not a string is refused', async (t) => {
  t.throws(() => idempotencyIndex.afterRestore!(new Map()), /one string/);
  t.equal(new IdempotencyIndex().packed(), '[]');
});
