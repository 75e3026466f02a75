import { randomUUID } from 'node:crypto';
import t from 'tap';
import { incidentStream } from '../../src/domain/events.ts';
import type { NewEvent } from '../../src/store/port.ts';
import { buildIncidentView } from '../../projections/incident-view/render.ts';
import { ADMIN_TOKEN, fixtures, listening } from './harness.ts';

const NOTE = 'Contact: witness-4417@example.org';

/**
 * As-of views of a large incident are made from claim texts kept with its checkpoints: a
 * redaction of a claim folded into a checkpoint must leave no erased value in any later answer.
 */
t.test('a redaction drops the claim texts an as-of view of a large incident is made from', async (t) => {
  const { rt, base } = await listening(t, { readBudgetMs: 0 });
  const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
  const post = (path: string, body: unknown) => fetch(`${base}${path}`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  t.equal((await post('/sources', fixtures.source('s1'))).status, 201);
  t.equal((await post('/incidents', fixtures.incident('big'))).status, 201);
  const meta = { actor: 'admin', correlationId: 'claim-texts' };
  const batch: NewEvent[] = Array.from({ length: 2_400 }, (_, i) => ({
    eventId: randomUUID(), type: 'ClaimRecorded', schemaVersion: 1, metadata: meta,
    data: fixtures.deaths(`c-${i}`, 's1', { kind: 'exact', value: i % 9 }, i === 3 ? { note: NOTE } : {}),
  }));
  const r = await rt.store.append(incidentStream('big'), batch, { expected: 0n });
  await rt.live.waitFor(r.index);
  const text = async (q: string): Promise<string> => {
    const res = await fetch(`${base}/incidents/big?${q}`, { headers: auth });
    t.equal(res.status, 200, q);
    return res.text();
  };
  const queries = ['atRevision=2300', 'atRevision=2400', 'knownAt=2024-10-08', `asOf=${encodeURIComponent(new Date().toISOString())}`];
  for (const q of queries) t.ok((await text(q)).includes(NOTE), `before: ${q} shows the note`);

  const events = await rt.store.readStream(incidentStream('big'));
  const target = events.find((e) => (e.data as { claimId?: unknown }).claimId === 'c-3');
  if (target === undefined) throw new Error('no c-3');
  const red = await post(`/events/${target.index}/redactions`, { paths: ['/note'], reason: 'privacy' });
  t.equal(red.status, 201, await red.clone().text());
  const { index } = (await red.json()) as { index: number };
  await rt.live.waitFor(BigInt(index));

  const now = await rt.store.readStream(incidentStream('big'));
  for (const q of [...queries, 'atRevision=2350']) {
    const body = await text(q);
    t.notOk(body.includes(NOTE), `after: ${q} holds no erased value`);
    const p = new URLSearchParams(q);
    const at = p.get('atRevision');
    const cut = at === null ? now : now.slice(0, Number(at) + 1);
    const knownAt = p.get('knownAt');
    t.equal(body, JSON.stringify(buildIncidentView(cut, knownAt === null ? {} : { knownAt })), `after: ${q} is the full fold's`);
  }
});
