/**
 * The sources fold across a snapshot: its tallies kept end to end come back as the same state,
 * which goes on folding as the original does (and finds claims of large incidents through their lookup).
 */
import * as v8 from 'node:v8';
import t from 'tap';
import { sources, type SourcesState } from '../../projections/sources.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import { LogGenerator } from '../../scripts/gen-log.ts';

function storedLog(): StoredEvent[] {
  const gen = new LogGenerator(11, 6);
  const batches = [...gen.sources(), gen.incident('small', 12, true), gen.incident('large', 400, true), gen.incident('later', 60, true)];
  const out: StoredEvent[] = [];
  const revisions = new Map<string, bigint>();
  for (const b of batches) {
    for (const e of b.events) {
      const revision = revisions.get(b.stream) ?? 0n;
      revisions.set(b.stream, revision + 1n);
      const index = BigInt(out.length);
      out.push({ ...e, index, position: index, stream: b.stream, revision, schemaVersion: 1, recordedAt: '2024-10-07T09:15:00.000Z', metadata: e.metadata ?? { actor: 'admin' } } as StoredEvent);
    }
  }
  return out;
}

t.test('a restored sources state equals the one it was kept from, and folds on alike', async (t) => {
  const log = storedLog();
  const cut = log.findIndex((e) => e.stream === 'incident-later');
  t.ok(cut > 0, 'the log has events after the cut');
  let state: SourcesState = sources.initial();
  for (const e of log.slice(0, cut)) state = sources.apply(state, e);
  const restored = sources.afterRestore!(v8.deserialize(v8.serialize(sources.forSnapshot!(state))));
  t.equal(sources.serialize(restored), sources.serialize(state), 'same sources and counts');
  t.same(restored.claims, state.claims, 'same tallies, lookups included');
  let a = state;
  let b = restored;
  for (const e of log.slice(cut)) {
    a = sources.apply(a, e);
    b = sources.apply(b, e);
  }
  t.equal(sources.serialize(b), sources.serialize(a), 'the same after the rest of the log');
  t.ok([...b.claims.values()].some((x) => x.lookup !== undefined), 'a large incident has its lookup');
});
