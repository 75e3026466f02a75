import { randomUUID } from 'node:crypto';
import t from 'tap';
import { incidentStream } from '../../src/domain/events.ts';
import type { NewEvent, StoredEvent } from '../../src/store/port.ts';
import { buildIncidentView } from '../../projections/incident-view/render.ts';
import { buildHistory } from '../../projections/provenance-history.ts';
import { ADMIN_TOKEN, fixtures, listening } from './harness.ts';

/** A small deterministic generator (mulberry32): a failure names its seed and repeats. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = Number(process.env.CHECKPOINT_SEED ?? 20261202);

/**
 * Events of every kind about a few thousand claims, with statements dated all over October so
 * that any knownAt hides some records, revisions and retractions, and errata and ranks land on
 * hidden layers too.
 */
function generate(random: () => number, claims: string[], count: number): NewEvent[] {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const day = (): string => `2024-10-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
  const meta = { actor: 'admin', correlationId: 'checkpoints' };
  const ev = (type: string, data: unknown): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: meta });
  const out: NewEvent[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (claims.length < 5 || r < 0.45) {
      const claimId = `c-${claims.length}`;
      claims.push(claimId);
      const predicate = random() < 0.7 ? 'deaths' : 'injuries';
      out.push(ev('ClaimRecorded', {
        claimId, predicate, value: { kind: 'exact', value: Math.floor(random() * 40) }, sourceId: pick(['s1', 's2']), statedAt: day(),
        ...(random() < 0.2 ? { qualifiers: { group: pick(['civilians', 'police']) } } : {}),
      }));
    } else if (r < 0.65) {
      out.push(ev('ClaimRevised', { claimId: pick(claims), value: { kind: 'exact', value: Math.floor(random() * 40) }, statedAt: day() }));
    } else if (r < 0.72) {
      out.push(ev('ClaimRetracted', { claimId: pick(claims), statedAt: day(), reason: 'withdrawn' }));
    } else if (r < 0.84) {
      const changes = pick([
        { value: { kind: 'exact', value: Math.floor(random() * 40) } }, { statedAt: day() }, { sourceId: pick(['s1', 's2']) },
        { qualifiers: { group: 'police' } }, { qualifiers: {} },
      ]);
      out.push(ev('ClaimCorrected', { claimId: pick(claims), changes, reason: pick(['reporting-error', 'transcription', 'wrong-incident']), ...(random() < 0.2 ? { restore: true } : {}) }));
    } else if (r < 0.98) {
      out.push(ev('ClaimRanked', { claimId: pick(claims), rank: pick(['preferred', 'normal', 'deprecated']), reason: 'other' }));
    } else {
      out.push(ev('IncidentAmended', { changes: { title: `Title ${i}` }, reason: 'retitled' }));
    }
  }
  return out;
}

/**
 * An as-of read of a large incident starts from a checkpointed state; its answers must be the
 * slow path's (a full fold of the stream cut at that point), at random points, before and after
 * the stream grows past further checkpoints.
 */
t.test('as-of views, claims and histories of a large incident equal the full fold at random points', async (t) => {
  const random = rng(SEED);
  t.comment(`seed ${SEED}`);
  const { rt, base } = await listening(t, { readBudgetMs: 0 });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  for (const id of ['s1', 's2']) t.equal((await fetch(`${base}/sources`, { method: 'POST', headers: auth, body: JSON.stringify(fixtures.source(id)) })).status, 201);
  t.equal((await fetch(`${base}/incidents`, { method: 'POST', headers: auth, body: JSON.stringify(fixtures.incident('big')) })).status, 201);

  const claims: string[] = [];
  let revision = 0n;
  let index = 0n;
  const cuts: string[] = [];
  const append = async (n: number): Promise<void> => {
    for (let done = 0; done < n; done += 500) {
      const r = await rt.store.append(incidentStream('big'), generate(random, claims, Math.min(500, n - done)), { expected: revision });
      revision = r.nextRevision;
      index = r.index;
      const [last] = await rt.store.readStream(incidentStream('big'), { direction: 'backwards', limit: 1 });
      if (last !== undefined) cuts.push(last.recordedAt);
      await new Promise((r) => setTimeout(r, 3)); // distinct recordedAt for the asOf cuts
    }
    await rt.live.waitFor(index);
  };
  const get = async (path: string): Promise<{ status: number; body: unknown }> => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: res.status, body: await res.json() };
  };
  const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));
  const knownAts = ['2024-09-30', '2024-10-01', '2024-10-07', '2024-10-14T12:00:00.000Z', '2024-10-21', '2024-10-28'];

  const check = async (all: StoredEvent[], rounds: number): Promise<void> => {
    for (let i = 0; i < rounds; i++) {
      const q = new URLSearchParams();
      let cut = all;
      if (random() < 0.5) {
        const at = BigInt(Math.floor(random() * all.length));
        q.set('atRevision', String(at));
        cut = cut.filter((e) => e.revision <= at);
      } else {
        const asOf = cuts[Math.floor(random() * cuts.length)] as string;
        q.set('asOf', asOf);
        cut = cut.filter((e) => Date.parse(e.recordedAt) <= Date.parse(asOf));
      }
      const knownAt = random() < 0.6 ? knownAts[Math.floor(random() * knownAts.length)] : undefined;
      if (knownAt !== undefined) q.set('knownAt', knownAt);
      const opts = knownAt !== undefined ? { knownAt } : {};
      const view = await fetch(`${base}/incidents/big?${q}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
      t.equal(view.status, 200, `view ${q}`);
      // Byte for byte: the view's text is made in slices, and must be what JSON.stringify makes.
      t.equal(await view.text(), JSON.stringify(buildIncidentView(cut, opts)), `view ${q}`);
      const claimId = claims[Math.floor(random() * claims.length)] as string;
      const expected = plain(buildIncidentView(cut, opts)) as { facts: Record<string, { claims: { claimId: string }[] }> };
      const fact = Object.entries(expected.facts).find(([, f]) => f.claims.some((c) => c.claimId === claimId));
      const claim = await get(`/incidents/big/claims/${claimId}?${q}`);
      if (fact === undefined) {
        t.equal(claim.status, 404, `claim ${claimId} absent at ${q}`);
      } else {
        t.equal(claim.status, 200, `claim ${claimId} at ${q}`);
        const mine = fact[1].claims.find((c) => c.claimId === claimId);
        t.same(claim.body, { ...mine, fact: fact[0], history: plain(buildHistory(cut, { ...opts, claimId })) }, `claim ${claimId} at ${q}`);
      }
      const history = await get(`/incidents/big/history?${q}&claimId=${claimId}`);
      t.same((history.body as { items: unknown }).items, plain(buildHistory(cut, { ...opts, claimId })), `history of ${claimId} at ${q}`);
    }
  };

  await append(3_500);
  await check(await rt.store.readStream(incidentStream('big')), 25);
  // The stream grows past further checkpoints: they are extended from the last one, not remade.
  await append(1_600);
  await check(await rt.store.readStream(incidentStream('big')), 15);
});
