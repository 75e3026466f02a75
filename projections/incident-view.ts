/**
 * The current view of each incident as a read model: the fold (incident-view/fold.ts), the answer
 * (incident-view/render.ts) and its cache (incident-view/cache.ts). Facts are resolved when an
 * incident is read, and the JSON-ready result is cached (a bounded LRU) until its next event.
 */
import canonicalize from 'canonicalize';
import type { ClaimStatus, RankName } from '../src/domain/claim-layers.ts';
import type { StoredEvent } from '../src/store/port.ts';
import { intern } from './collections.ts';
import { applyToIncident, ClaimState, initialViewState, internLayers, type ViewState } from './incident-view/fold.ts';
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
    // v8.deserialize gives plain objects (their properties outside the object) and a copy of every
    // string: each claim becomes a ClaimState again, sharing one copy of each repeated string, as the
    // live fold's claims are.
    const s = state.strings;
    for (const inc of state.incidents.values()) {
      for (const [id, c] of inc.claims) {
        const claim = new ClaimState(c, intern(s, c.key), c.mode === undefined ? undefined : intern(s, c.mode), c.recordedAt);
        claim.predicate = intern(s, c.predicate);
        claim.sourceId = intern(s, c.sourceId);
        claim.status = STATUSES[c.status];
        claim.rank = RANKS[c.rank];
        inc.claims.set(id, internLayers(s, claim));
      }
    }
    return state;
  },
};
