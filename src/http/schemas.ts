import { z } from 'zod';
import {
  ClaimCorrected, ClaimRanked, ClaimRecorded, ClaimRetracted, ClaimRevised, IncidentFields, IncidentRegistered, SourceFields,
  SourceRegistered,
} from '../domain/events.ts';
import { AsOfInstant, Category, Country, Reason, Slug, StatedAt, Tag } from '../domain/values.ts';
import { demoRequests, type DemoRequest } from '../demo/dataset.ts';

/** The first demo request of a kind: OpenAPI examples that are real data of the demo dataset. */
function example(method: DemoRequest['method'], path: RegExp): Record<string, unknown>[] {
  const found = demoRequests.find((r) => r.method === method && path.test(r.path));
  return found ? [found.body] : [];
}

// Request bodies: the event data, with server-generated ids optional.
export const RegisterSourceBody = SourceRegistered.extend({ sourceId: Slug.optional() }).meta({ id: 'RegisterSource', examples: example('POST', /^\/sources$/) });
export const AmendSourceBody = SourceFields.partial().extend({ reason: Reason }).meta({ id: 'AmendSource', examples: [{ url: 'https://www.geo.tv', reason: 'Added the outlet’s address.' }] });
export const RegisterIncidentBody = IncidentRegistered.extend({
  incidentId: Slug.optional(),
  tags: IncidentFields.shape.tags.default([]),
}).meta({ id: 'RegisterIncident', examples: example('POST', /^\/incidents$/) });
export const AmendIncidentBody = IncidentFields.partial().extend({ reason: Reason }).meta({ id: 'AmendIncident', examples: [{ category: 'suicide-bombing', reason: 'Police confirmed a suicide car bomb.' }] });
export const RecordClaimBody = ClaimRecorded.extend({ claimId: Slug.optional() }).meta({ id: 'RecordClaim', examples: example('POST', /\/claims$/) });
export const ReviseClaimBody = ClaimRevised.omit({ claimId: true }).meta({ id: 'ReviseClaim', examples: example('POST', /\/revisions$/) });
export const RetractClaimBody = ClaimRetracted.omit({ claimId: true }).meta({ id: 'RetractClaim', examples: [{ statedAt: '2024-10-09', reason: 'The outlet withdrew its report.' }] });
export const CorrectClaimBody = ClaimCorrected.omit({ claimId: true }).meta({ id: 'CorrectClaim', examples: example('POST', /\/corrections$/) });
export const RankClaimBody = ClaimRanked.omit({ claimId: true }).meta({ id: 'RankClaim', examples: example('POST', /\/rank$/) });

export const IncidentParams = z.strictObject({ id: Slug });
export const ClaimParams = z.strictObject({ id: Slug, claimId: Slug });
export const SourceParams = z.strictObject({ id: Slug });

const Revision = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const Index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** As-of parameters (docs/api.md, Reads and time). */
export const AsOfQuery = z.strictObject({
  asOf: AsOfInstant.optional().describe('System time: only events recorded at or before this instant. A date YYYY-MM-DD means the end of that day (UTC).'),
  knownAt: AsOfInstant.optional().describe('Statement time: only statements made at or before this instant. A date YYYY-MM-DD means the end of that day (UTC): knownAt=2024-10-08 includes every statement dated 8 October.'),
  atRevision: Revision.optional().describe("Only the incident stream's events up to this revision."),
});
/** As-of on the collection routes: atRevision has no meaning across streams (→ 400 as an unknown parameter). */
export const AsOfCollectionQuery = AsOfQuery.omit({ atRevision: true });

export const TimelineQuery = AsOfCollectionQuery.extend({
  country: Country.optional(),
  category: Category.optional(),
  tag: Tag.optional(),
  from: StatedAt.optional().describe('occurredAt.start at or after (date or date-time).'),
  to: StatedAt.optional().describe('occurredAt.start at or before; a date includes that whole day.'),
  q: z.string().min(1).max(200).optional().describe('Case-insensitive substring of title and summary.'),
  order: z.enum(['desc', 'asc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(1000).optional(),
});

export const SourcesQuery = AsOfCollectionQuery.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(1000).optional(),
});

export const HistoryQuery = AsOfQuery.extend({
  fact: z.string().min(1).max(300).optional(),
  claimId: Slug.optional(),
});

export const StreamEventsQuery = z.strictObject({
  from: Revision.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const LogEventsQuery = z.strictObject({
  from: Index.default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const CheckpointQuery = z.strictObject({ size: Index.optional() });
export const KeptCheckpointsQuery = z.strictObject({
  from: Index.default(0).describe('The smallest tree size to list'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const InclusionQuery = z.strictObject({ index: Index, treeSize: Index });
export const ConsistencyQuery = z.strictObject({ from: Index, to: Index });
