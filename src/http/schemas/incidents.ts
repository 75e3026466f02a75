/** Answers of the incident routes: the view, its facts and claims, the timeline, the history. */
import { z } from 'zod';
import { IncidentFields } from '../../domain/events.ts';
import { ClaimValue, PredicateName, Qualifiers, Stance } from '../../domain/predicates.ts';
import { Mode, Rank, Slug } from '../../domain/values.ts';
import * as ex from './examples.ts';
import { erasable, RedactedPaths, ServedCitation, ServedClaimValue, ServedLocation } from './redacted.ts';

const Int = z.number().int().min(0);
const FactStatus = z.enum(['preferred', 'corroborated', 'reported', 'disputed', 'withdrawn']);

export const ClaimView = z
  .object({
    claimId: Slug,
    predicate: PredicateName,
    qualifiers: Qualifiers.optional(),
    sourceId: Slug,
    value: ServedClaimValue,
    statedAt: z.string(),
    status: z.enum(['active', 'retracted', 'voided']),
    rank: Rank,
    revisionCount: Int.describe('Revisions by the source'),
    correctionCount: Int.describe('Our errata on this claim'),
    citation: ServedCitation.optional(),
    mode: Mode.optional(),
    note: erasable(z.string()).optional(),
    redacted: RedactedPaths.optional().describe('What a redaction erased from the shown value and note'),
    recordedAt: z.string().describe('When the claim was first recorded (system time)'),
  })
  .meta({ id: 'ClaimView' });

const CountRange = z
  .object({
    min: Int,
    max: Int,
    maxOpen: z.boolean().optional().describe('The highest figure is an "at least": max is a lower bound, not an upper one'),
  })
  .meta({ id: 'CountRange' });

/** What the candidates say without the rank: given beside a `preferred` status, so a dispute stays visible. */
const Agreement = z.enum(['corroborated', 'reported', 'disputed']);

const SingleFact = z
  .object({
    status: FactStatus,
    value: ClaimValue.nullable(),
    range: CountRange.optional().describe('A disputed count (or a preferred one whose agreement is disputed): lowest lower bound to highest figure'),
    conservative: Int.optional().describe('With range: range.min, the most conservative estimate'),
    agreement: Agreement.optional().describe('On a preferred fact: the status its candidates give without the rank, so a dispute stays visible'),
    claims: z.array(ClaimView),
  })
  .meta({ id: 'SingleFact' });

const ActorResolution = z.object({ actor: z.string(), stances: z.array(Stance), status: FactStatus, claims: z.array(Slug) });
const ResponsibilityFact = z
  .object({
    status: FactStatus,
    claimed: z.boolean(),
    competingClaims: z.boolean(),
    denied: z.array(z.string()),
    actors: z.array(ActorResolution),
    claims: z.array(ClaimView),
  })
  .meta({ id: 'ResponsibilityFact' });

const NameResolution = z.object({ name: z.string(), roles: z.array(z.string()), status: FactStatus, claims: z.array(Slug) });
const PerpetratorFact = z
  .object({ status: FactStatus, names: z.array(NameResolution), claims: z.array(ClaimView) })
  .meta({ id: 'PerpetratorFact' });

export const FactView = z.union([SingleFact, ResponsibilityFact, PerpetratorFact]).meta({ id: 'FactView' });

const IncidentFieldsView = IncidentFields.extend({
  incidentId: Slug,
  title: erasable(IncidentFields.shape.title),
  summary: erasable(IncidentFields.shape.summary.unwrap()).optional(),
  location: ServedLocation,
  redacted: RedactedPaths.optional(),
});

export const IncidentView = IncidentFieldsView.extend({
  facts: z.record(z.string(), FactView).describe('Keyed by fact key: `deaths`, `deaths[group=attackers]`, …'),
  revision: Int,
  updatedAt: z.string(),
}).meta({ id: 'IncidentView', examples: [ex.incidentView] });

/** A headline fact is a resolved fact without its claims. */
const headline = <T extends z.ZodObject>(s: T) => s.omit({ claims: true });
const Headline = z.union([headline(SingleFact), headline(ResponsibilityFact), headline(PerpetratorFact)]).nullable();

export const TimelineItem = IncidentFieldsView.extend({
  headline: z.object({ deaths: Headline, injuries: Headline, responsibility: Headline }),
}).meta({ id: 'TimelineItem' });

export const TimelinePage = z
  .object({ items: z.array(TimelineItem), nextCursor: z.string().nullable().describe('Opaque; null on the last page') })
  .meta({ id: 'TimelinePage', examples: [ex.timelinePage] });

export const HistoryEntry = z
  .object({
    revision: Int,
    index: Int,
    recordedAt: z.string(),
    actor: z.string(),
    type: z.string(),
    claimId: Slug.optional(),
    fact: z.string().optional().describe('The fact key once the event applied'),
    sourceId: Slug.optional(),
    statedAt: z.string().optional(),
    before: z.record(z.string(), z.unknown()).optional().describe('Only the fields the event changed'),
    after: z.record(z.string(), z.unknown()).optional(),
    reason: erasable(z.string()).optional(),
    note: erasable(z.string()).optional(),
    citation: ServedCitation.optional(),
    redacted: RedactedPaths.optional().describe('What a redaction erased from the event’s own fields'),
  })
  .meta({ id: 'HistoryEntry' });

export const HistoryPage = z.object({ items: z.array(HistoryEntry) }).meta({ id: 'History', examples: [ex.history] });

export const ClaimWithHistory = ClaimView.extend({
  fact: z.string().describe('The key of the fact the claim belongs to now'),
  history: z.array(HistoryEntry),
}).meta({ id: 'ClaimWithHistory' });
