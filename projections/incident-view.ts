/**
 * The current view of each incident as a read model: the fold (incident-view/fold.ts), the answer
 * (incident-view/render.ts) and its cache (incident-view/cache.ts). Facts are resolved when an
 * incident is read, and the JSON-ready result is cached (a bounded LRU) until its next event.
 */
import canonicalize from 'canonicalize';
import type { ClaimStatus, RankName } from '../src/domain/claim-layers.ts';
import type { StoredEvent } from '../src/store/port.ts';
import { intern } from './collections.ts';
import { applyToIncident, initialViewState, internLayers, type ViewState } from './incident-view/fold.ts';
import { viewOf } from './incident-view/render.ts';
import type { Projection } from './projection.ts';

const STATUSES: Record<ClaimStatus, ClaimStatus> = { active: 'active', retracted: 'retracted', voided: 'voided' };
const RANKS: Record<RankName, RankName> = { preferred: 'preferred', normal: 'normal', deprecated: 'deprecated' };

export const incidentView: Projection<ViewState> = {
  name: 'incident-view',
  // 2: claims carry correctionCount and pendingRank.
  version: 2,
  initial: () => initialViewState(),
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
  forSnapshot(state: ViewState): ViewState {
    return { ...state, cache: new Map(), items: new Map() };
  },
  afterRestore(state: ViewState): ViewState {
    // Share one copy of each repeated string again, as the live fold does: at a million events the
    // copies v8.deserialize makes cost more memory than the claims themselves.
    for (const inc of state.incidents.values()) {
      for (const c of inc.claims.values()) {
        c.predicate = intern(state.strings, c.predicate);
        c.key = intern(state.strings, c.key);
        c.sourceId = intern(state.strings, c.sourceId);
        if (c.mode !== undefined) c.mode = intern(state.strings, c.mode);
        internLayers(state.strings, c);
        c.status = STATUSES[c.status];
        c.rank = RANKS[c.rank];
      }
    }
    return state;
  },
};
