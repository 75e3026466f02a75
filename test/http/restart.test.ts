import t from 'tap';
import { leanProjections as projections } from '../../projections/index.ts';
import { seedDemo } from '../../src/cli/seed.ts';
import type { MerkleLog } from '../../src/log/merkle.ts';
import { harness } from './harness.ts';

function serialized(rt: { live: { state<S>(n: string): S } }): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of projections) out[p.name] = p.serialize(rt.live.state(p.name));
  return out;
}

t.test('a restart rebuilds every projection to the same bytes', async (t) => {
  const h = await harness(t);
  await seedDemo(h.rt);
  const before = serialized(h.rt);
  const rootBefore = h.rt.live.state<MerkleLog>('merkle').root().toString('hex');
  t.ok(Object.values(before).every((s) => s.length > 100), 'the projections hold the demo');
  await h.restart();
  t.same(serialized(h.rt), before);
  t.equal(h.rt.live.state<MerkleLog>('merkle').root().toString('hex'), rootBefore);
});
