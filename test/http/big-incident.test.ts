import { randomUUID } from 'node:crypto';
import http from 'node:http';
import t from 'tap';
import { incidentStream } from '../../src/domain/events.ts';
import type { NewEvent } from '../../src/store/port.ts';
import { buildIncidentView } from '../../projections/incident-view/render.ts';
import { buildHistory } from '../../projections/provenance-history.ts';
import { ADMIN_TOKEN, fixtures, listening } from './harness.ts';

const CLAIMS = 20_000;

/** Every answer of the fast paths equals the full fold of the stream, on a 20,000-claim incident. */
t.test('history by claimId, asOf, atRevision, knownAt and /history of a 20,000-claim incident equal the full fold', async (t) => {
  const { rt, base } = await listening(t, { readBudgetMs: 0 });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
  t.equal((await fetch(`${base}/sources`, { method: 'POST', headers: auth, body: JSON.stringify(fixtures.source('src')) })).status, 201);
  t.equal((await fetch(`${base}/incidents`, { method: 'POST', headers: auth, body: JSON.stringify(fixtures.incident('big')) })).status, 201);

  const meta = { actor: 'admin', correlationId: 'big' };
  const ev = (type: string, data: unknown): NewEvent => ({ eventId: randomUUID(), type, schemaVersion: 1, data, metadata: meta });
  let revision = 0n;
  const cuts: string[] = [];
  for (let i = 0; i < CLAIMS; i += 2000) {
    const batch: NewEvent[] = [];
    for (let j = i; j < i + 2000; j++) {
      batch.push(ev('ClaimRecorded', { claimId: `c-${j}`, predicate: 'deaths', value: { kind: 'exact', value: j % 50 }, sourceId: 'src', statedAt: `2024-10-${String(1 + (j % 28)).padStart(2, '0')}` }));
      if (j % 7 === 0) batch.push(ev('ClaimRevised', { claimId: `c-${j - 3 < 0 ? j : j - 3}`, value: { kind: 'exact', value: 99 }, statedAt: '2024-10-29' }));
      if (j % 13 === 0 && j > 10) batch.push(ev('ClaimRetracted', { claimId: `c-${j - 10}`, statedAt: '2024-10-30', reason: 'wrong' }));
      if (j % 17 === 0) batch.push(ev('ClaimRanked', { claimId: `c-${j}`, rank: 'preferred', reason: 'most-recent' }));
    }
    revision = (await rt.store.append(incidentStream('big'), batch, { expected: revision })).nextRevision;
    cuts.push((await rt.store.readStream(incidentStream('big'), { direction: 'backwards', limit: 1 }))[0]!.recordedAt);
    await new Promise((r) => setTimeout(r, 5)); // distinct recordedAt for the asOf cuts
  }
  await rt.live.waitFor(revision + 1n);
  const all = await rt.store.readStream(incidentStream('big'));
  // A connection per read: the full folds this test computes between reads run on the server's event
  // loop too, and on a loaded machine they outlast its keep-alive timeout, whose timer then closes a
  // kept-alive socket right after fetch has written the next request on it (ECONNRESET).
  const get = (path: string): Promise<unknown> => new Promise((resolve, reject) => {
    http.get(`${base}${path}`, { agent: false, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        t.equal(res.statusCode, 200, path);
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err);
        }
      });
      res.on('error', reject);
    }).on('error', reject);
  });
  const q = (o: Record<string, string>) => new URLSearchParams(o).toString();
  const asOf = cuts[4]!;
  const atRevision = 12_345n;
  const knownAt = '2024-10-15T00:00:00.000Z';
  const byAsOf = all.filter((e) => Date.parse(e.recordedAt) <= Date.parse(asOf));
  const byRev = all.filter((e) => e.revision <= atRevision);

  // Twice each: the first read fills the index, the second is served from it.
  for (let round = 0; round < 2; round++) {
    t.same((await get('/incidents/big/history') as { items: unknown }).items, buildHistory(all), '/history');
    for (const claimId of ['c-0', 'c-7', 'c-3', 'c-19992', 'c-5012']) {
      t.same((await get(`/incidents/big/history?${q({ claimId })}`) as { items: unknown }).items, buildHistory(all, { claimId }), `history of ${claimId}`);
      t.same((await get(`/incidents/big/history?${q({ claimId, asOf })}`) as { items: unknown }).items, buildHistory(byAsOf, { claimId }), `history of ${claimId} asOf`);
      t.same((await get(`/incidents/big/claims/${claimId}?${q({ knownAt })}`) as { history: unknown }).history, buildHistory(all, { claimId, knownAt }), `claim ${claimId} knownAt`);
    }
    t.same(await get(`/incidents/big?${q({ asOf })}`), JSON.parse(JSON.stringify(buildIncidentView(byAsOf))), 'view asOf');
    t.same(await get(`/incidents/big?${q({ atRevision: String(atRevision) })}`), JSON.parse(JSON.stringify(buildIncidentView(byRev))), 'view atRevision');
    t.same(await get(`/incidents/big?${q({ knownAt })}`), JSON.parse(JSON.stringify(buildIncidentView(all, { knownAt }))), 'view knownAt');
    t.same((await get(`/incidents/big/history?${q({ atRevision: String(atRevision) })}`) as { items: unknown }).items, buildHistory(byRev), 'history atRevision');
  }
});
