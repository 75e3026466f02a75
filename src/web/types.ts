/**
 * The app's view of the API's answers: the generated schemas of the OpenAPI document
 * (src/client/schema.ts), under the names the pages use.
 */
import type { components } from '../client/index.ts';

type S = components['schemas'];
export type Status = S['SingleFact']['status'];
export type Rank = S['ClaimView']['rank'];
export type Citation = NonNullable<S['ClaimView']['citation']>;
export type ClaimView = S['ClaimView'];
export type FactView = S['FactView'];
export type IncidentView = S['IncidentView'];
export type IncidentFields = Omit<S['IncidentView'], 'facts' | 'revision' | 'updatedAt'>;
export type TimeValue = IncidentView['occurredAt'];
export type Place = IncidentView['location'];
export type TimelineItem = S['TimelineItem'];
export type HeadlineFact = NonNullable<TimelineItem['headline'][keyof TimelineItem['headline']]>;
export type Timeline = S['TimelinePage'];
export type HistoryEntry = S['HistoryEntry'];
export type SourceView = S['SourceView'];
/** A problem+json answer; the client also makes one up (status 0) when the server cannot be reached. */
export interface Problem {
  status: number;
  type?: string;
  title?: string;
  detail?: string;
  code?: string;
  errors?: NonNullable<S['Problem']['errors']>;
  currentRevision?: number | null;
}
export type Change = S['ChangeItem'];

/** A count value, as claims and facts of deaths, injuries and arrests hold it. */
export type Count =
  | { kind: 'exact'; value: number }
  | { kind: 'atLeast'; value: number }
  | { kind: 'range'; min: number; max: number }
  | { kind: 'unknown' }
  | { kind: 'none' };

export type SingleFact = S['SingleFact'];
export type ResponsibilityFact = S['ResponsibilityFact'];
export type PerpetratorFact = S['PerpetratorFact'];
/** A count, text, time or place fact (not a multi-valued one). */
export const isSingleFact = (f: FactView): f is SingleFact => !('actors' in f) && !('names' in f);
