/**
 * The read models are built by the projections in their own types; the answers are documented by
 * the zod schemas beside this file. These checks make the compiler refuse a read model that no
 * longer fits its documented schema, so the two cannot drift apart unnoticed (the HTTP tests
 * validate the served JSON against the same schemas).
 */
import type { z } from 'zod';
import type { ClaimView as ClaimModel, IncidentView as IncidentModel } from '../../../projections/incident-view/render.ts';
import type { HistoryEntry as HistoryModel } from '../../../projections/provenance-history.ts';
import type { SourceView as SourceModel } from '../../../projections/sources.ts';
import type { TimelinePage as TimelineModel } from '../../../projections/timeline.ts';
import type { EventItem as EventItemModel } from '../../log/event-item.ts';
import type { ClaimView, HistoryEntry, IncidentView, TimelinePage } from './incidents.ts';
import type { EventItem } from './log.ts';
import type { SourceView } from './sources.ts';

type Fits<Model extends Schema, Schema> = Model;

// Two places where the projection's type is looser than what it really holds, checked at run time
// only (the HTTP tests): a claim's `mode` is typed string (the event schema limits it to the Mode
// enum), and a fact's `value` is typed optional (resolution always sets it, null when absent).
export type Checked = [
  Fits<Omit<ClaimModel, 'mode'>, Omit<z.output<typeof ClaimView>, 'mode'>>,
  Fits<Omit<IncidentModel, 'facts'>, Omit<z.output<typeof IncidentView>, 'facts'>>,
  Fits<TimelineModel, z.output<typeof TimelinePage>>,
  Fits<HistoryModel, z.output<typeof HistoryEntry>>,
  Fits<SourceModel, z.output<typeof SourceView>>,
  Fits<EventItemModel, z.output<typeof EventItem>>,
];
