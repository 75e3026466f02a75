import { lruGet, lruSet } from '../collections.ts';
import type { ViewState } from './fold.ts';
import { viewOf, type IncidentView } from './render.ts';

/**
 * The current view of an incident, or undefined when unknown. The returned object is shared with
 * later readers: treat it as read-only.
 */
export function getIncident(state: ViewState, incidentId: string): IncidentView | undefined {
  const cached = lruGet(state.cache, incidentId);
  if (cached !== undefined) return cached;
  const inc = state.incidents.get(incidentId);
  if (inc === undefined) return undefined;
  const view = viewOf(inc);
  if (state.cacheLimit > 0) lruSet(state.cache, incidentId, view, state.cacheLimit);
  return view;
}

