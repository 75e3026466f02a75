/**
 * The current view of each incident as a read model: the fold (incident-view/fold.ts), the answer
 * (incident-view/render.ts) and its cache (incident-view/cache.ts). Facts are resolved when an
 * incident is read, and the JSON-ready result is cached (a bounded LRU) until its next event.
 */
import canonicalize from 'canonicalize';
import type { StoredEvent } from '../src/store/port.ts';
import { applyToIncident, initialViewState, IncidentState, type ViewState } from './incident-view/fold.ts';
import type { IncidentHead } from './incident-view/incident-state.ts';
import { viewOf } from './incident-view/render.ts';
import type { Projection } from './projection.ts';

/**
 * Claims the live view keeps open (as objects) at most, over its least recently used incidents;
 * the others are kept as bytes (incident-view/incident-state.ts). Room for the largest incidents
 * several times over, a few tens of MiB.
 */
const OPEN_CLAIMS = 100_000;

/** What a snapshot keeps: each incident's head and its claims' bytes, the timeline's order as positions. */
interface StoredView {
  incidents: (IncidentHead & { claims: string })[];
  order: number[];
  cacheLimit: number;
  knownAt: number;
}

export const incidentView: Projection<ViewState> = {
  name: 'incident-view',
  // 2: claims carry correctionCount and pendingRank. 3: a snapshot keeps each incident's claims as bytes.
  version: 3,
  initial: () => initialViewState({ openClaims: OPEN_CLAIMS }),
  apply(state: ViewState, e: StoredEvent): ViewState {
    applyToIncident(state, e);
    return state;
  },
  serialize(state: ViewState): string {
    const ids = [...state.incidents.keys()].sort();
    const out: unknown[] = [];
    for (const id of ids) {
      const inc = state.incidents.get(id);
      if (inc !== undefined) out.push(viewOf(inc));
    }
    // Canonical JSON (keys sorted): live events and events read back from a store may differ in key order.
    return canonicalize({ incidents: out, order: state.order.map((i) => i.incidentId) }) ?? '';
  },
  items(state: ViewState): Map<string, string> {
    const out = new Map<string, string>();
    for (const [id, inc] of state.incidents) out.set(id, canonicalize(viewOf(inc)) ?? '');
    return out;
  },
  forSnapshot(state: ViewState): StoredView {
    const incidents = [...state.incidents.values()];
    const at = new Map(incidents.map((inc, i) => [inc, i]));
    return {
      incidents: incidents.map((inc) => ({ ...inc.head(), claims: inc.packed() })),
      order: state.order.map((inc) => at.get(inc) ?? -1),
      cacheLimit: state.cacheLimit,
      knownAt: state.knownAt,
    };
  },
  afterRestore(stored: unknown): ViewState {
    const s = stored as StoredView;
    const state = initialViewState({ cacheLimit: s.cacheLimit, openClaims: OPEN_CLAIMS });
    state.knownAt = s.knownAt;
    // Each incident's claims stay bytes until first used: a restore decodes none of them.
    const records = s.incidents.map(({ claims, ...head }) => {
      if (typeof claims !== 'string') throw new Error(`incident ${head.incidentId} has no packed claims`);
      return new IncidentState(head, claims, state.shelf);
    });
    for (const inc of records) state.incidents.set(inc.incidentId, inc);
    for (const i of s.order) {
      const inc = records[i];
      if (inc === undefined) throw new Error(`the timeline's order names incident ${i} of ${records.length}`);
      state.order.push(inc);
    }
    return state;
  },
};
