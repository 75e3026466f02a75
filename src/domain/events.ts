import { z } from 'zod';
import { ClaimValue, PredicateName, Qualifiers } from './predicates.ts';
import {
  Category, Citation, Country, ErratumReason, Location, Mode, Note, Rank, RankReason, Reason, Slug, SourceKind, StatedAt, Tag, TimeValue,
} from './values.ts';

/** Claim ids: `c-` and 10 base-36 characters when generated, any slug when given. */
export const ClaimId = Slug;

/** Text a reader can see: not only spaces and format characters (U+200B and its kind). */
const visible = (s: string): boolean => /[^\p{Cf}\p{Z}\s]/u.test(s);
const VisibleText = (max: number) => z.string().trim().min(1).max(max).refine(visible, 'must contain a visible character, not only spaces or format characters');

export const IncidentFields = z.strictObject({
  title: VisibleText(300),
  summary: z.string().trim().min(1).max(5000).optional(),
  occurredAt: TimeValue,
  location: Location,
  category: Category,
  tags: z.array(Tag).max(50),
});
export type IncidentFields = z.infer<typeof IncidentFields>;

export const IncidentRegistered = IncidentFields.extend({ incidentId: Slug });
export const IncidentAmended = z.strictObject({ changes: IncidentFields.partial(), reason: Reason });

export const ClaimRecorded = z.strictObject({
  claimId: ClaimId,
  predicate: PredicateName,
  qualifiers: Qualifiers.optional(),
  value: ClaimValue,
  sourceId: Slug,
  statedAt: StatedAt,
  citation: Citation.optional(),
  mode: Mode.optional(),
  note: Note.optional(),
});
export const ClaimRevised = z.strictObject({
  claimId: ClaimId,
  value: ClaimValue,
  statedAt: StatedAt,
  citation: Citation.optional(),
  note: Note.optional(),
});
export const ClaimRetracted = z.strictObject({
  claimId: ClaimId,
  statedAt: StatedAt,
  citation: Citation.optional(),
  reason: Reason,
});
export const CorrectionChanges = z.strictObject({
  value: ClaimValue.optional(),
  sourceId: Slug.optional(),
  statedAt: StatedAt.optional(),
  citation: Citation.optional(),
  qualifiers: Qualifiers.optional(),
});
export const ClaimCorrected = z.strictObject({
  claimId: ClaimId,
  changes: CorrectionChanges,
  restore: z.boolean().optional(),
  reason: ErratumReason,
  note: Note.optional(),
});
export const ClaimRanked = z.strictObject({
  claimId: ClaimId,
  rank: Rank,
  reason: RankReason,
  note: Note.optional(),
  evidence: Citation.optional(),
});

export const SourceFields = z.strictObject({
  name: VisibleText(300),
  kind: SourceKind,
  url: z.url({ protocol: /^https?$/ }).max(2000).optional(),
  country: Country.optional(),
  description: z.string().trim().min(1).max(5000).optional(),
});
export type SourceFields = z.infer<typeof SourceFields>;
export const SourceRegistered = SourceFields.extend({ sourceId: Slug });
export const SourceAmended = z.strictObject({ changes: SourceFields.partial(), reason: Reason });

/** Every event type with its data schema; `schemaVersion` is the version new events are written with. */
export const EVENT_SCHEMAS = {
  IncidentRegistered: { schema: IncidentRegistered, schemaVersion: 1 },
  IncidentAmended: { schema: IncidentAmended, schemaVersion: 1 },
  ClaimRecorded: { schema: ClaimRecorded, schemaVersion: 1 },
  ClaimRevised: { schema: ClaimRevised, schemaVersion: 1 },
  ClaimRetracted: { schema: ClaimRetracted, schemaVersion: 1 },
  ClaimCorrected: { schema: ClaimCorrected, schemaVersion: 1 },
  ClaimRanked: { schema: ClaimRanked, schemaVersion: 1 },
  SourceRegistered: { schema: SourceRegistered, schemaVersion: 1 },
  SourceAmended: { schema: SourceAmended, schemaVersion: 1 },
} as const;

export type EventType = keyof typeof EVENT_SCHEMAS;
type DataOf<T extends EventType> = z.infer<(typeof EVENT_SCHEMAS)[T]['schema']>;
type EventOf<T extends EventType> = { type: T; data: DataOf<T> };

export type IncidentEvent =
  | EventOf<'IncidentRegistered'> | EventOf<'IncidentAmended'> | EventOf<'ClaimRecorded'> | EventOf<'ClaimRevised'>
  | EventOf<'ClaimRetracted'> | EventOf<'ClaimCorrected'> | EventOf<'ClaimRanked'>;
export type SourceEvent = EventOf<'SourceRegistered'> | EventOf<'SourceAmended'>;
/** A domain event: what `decide` returns and `evolve` folds, before the store adds its envelope. */
export type DomainEvent = IncidentEvent | SourceEvent;

export type ClaimRecordedData = DataOf<'ClaimRecorded'>;
export type ClaimRevisedData = DataOf<'ClaimRevised'>;
export type ClaimRetractedData = DataOf<'ClaimRetracted'>;
export type ClaimCorrectedData = DataOf<'ClaimCorrected'>;
export type ClaimRankedData = DataOf<'ClaimRanked'>;
export type IncidentRegisteredData = DataOf<'IncidentRegistered'>;
export type IncidentAmendedData = DataOf<'IncidentAmended'>;
export type SourceRegisteredData = DataOf<'SourceRegistered'>;
export type SourceAmendedData = DataOf<'SourceAmended'>;

export const INCIDENT_STREAM_PREFIX = 'incident-';
export const SOURCE_STREAM_PREFIX = 'source-';
export const incidentStream = (incidentId: string): string => `${INCIDENT_STREAM_PREFIX}${incidentId}`;
export const sourceStream = (sourceId: string): string => `${SOURCE_STREAM_PREFIX}${sourceId}`;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_SCHEMAS, type);
}
