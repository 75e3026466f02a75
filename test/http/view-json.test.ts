import t from 'tap';
import type { StoredEvent } from '../../src/store/port.ts';
import { buildIncidentView, RENDER_STEP } from '../../projections/incident-view/render.ts';
import { viewBytes } from '../../src/http/json-cache.ts';
import { fixtures, storedIncidentEvent } from './harness.ts';

const stored = (revision: number, type: string, data: unknown): StoredEvent => storedIncidentEvent(revision, type, data, 'view-json');

/** A view is sent as text made a slice of claims at a time: it must be JSON.stringify's, byte for byte. */
t.test('the sliced JSON of a view with facts longer than a slice is JSON.stringify of the view', async (t) => {
  const events = [stored(0, 'IncidentRegistered', fixtures.incident('big'))];
  const claims = RENDER_STEP * 2 + 17;
  for (let i = 1; i <= claims; i++) {
    const extra = i % 5 === 0 ? { qualifiers: { group: 'police' } } : i % 7 === 0 ? { note: 'a "quoted" note\u2028' } : {};
    events.push(stored(i, 'ClaimRecorded', fixtures.deaths(`c-${i}`, i % 3 === 0 ? 's1' : 's2', { kind: 'exact', value: i % 11 }, extra)));
  }
  const view = buildIncidentView(events);
  if (view === undefined) throw new Error('no view');
  t.ok(Object.values(view.facts).some((f) => f.claims.length > RENDER_STEP), 'a fact spans several slices');
  t.equal((await viewBytes(view)).toString('utf8'), JSON.stringify(view));
  t.equal(await viewBytes(view), await viewBytes(view), 'kept with the view');
  const empty = buildIncidentView(events.slice(0, 1));
  if (empty === undefined) throw new Error('no view');
  t.equal((await viewBytes(empty)).toString('utf8'), JSON.stringify(empty), 'a view without facts');
});
