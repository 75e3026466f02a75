/** Answers of the log routes: stored events as leaves, proofs, checkpoints, the change feed. */
import { z } from 'zod';
import { Slug } from '../../domain/values.ts';
import * as ex from './examples.ts';

const Int = z.number().int().min(0);
const Base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/).describe('base64 (RFC 4648 §4, padded)');

export const EventItem = z
  .object({
    index: Int.describe('0-based place in global order: the Merkle leaf index'),
    stream: z.string(),
    revision: Int,
    eventId: z.string(),
    type: z.string(),
    schemaVersion: z.number().int().min(1),
    recordedAt: z.string(),
    leafVersion: z.literal(2).optional(),
    seed: Base64.optional().describe('Leaf v2: the event seed (absent after a redaction)'),
    salts: z.record(z.string(), Base64).optional(),
    redacted: z.record(z.string(), Base64).optional(),
    data: z.record(z.string(), z.unknown()),
    metadata: z.object({
      actor: z.string(),
      correlationId: z.string(),
      causationId: z.string().optional(),
      idempotencyKey: z.string().optional(),
      requestHash: z.string().optional(),
    }),
    position: z.string().describe('The store’s own global position, opaque'),
    leafHash: Base64,
  })
  .meta({ id: 'EventItem', examples: ex.eventsPage.items });

export const EventsPage = z
  .object({ items: z.array(EventItem), nextFrom: Int.nullable().describe('null at the end') })
  .meta({ id: 'EventsPage', examples: [ex.eventsPage] });

export const InclusionProof = z
  .object({ index: Int, treeSize: Int, leafHash: Base64, hashes: z.array(Base64).describe('The audit path, leaf to root') })
  .meta({ id: 'InclusionProof', examples: [ex.inclusion] });

export const ConsistencyProof = z
  .object({ from: Int, to: Int, hashes: z.array(Base64).describe('Empty when from = to') })
  .meta({ id: 'ConsistencyProof', examples: [ex.consistency] });

export const KeptCheckpoints = z
  .object({
    items: z.array(z.object({
      size: Int,
      root: Base64,
      note: z.string().describe('The signed note exactly as GET /log/checkpoint served it'),
    })),
    nextFrom: Int.nullable().describe('The `from` of the next page, null at the end'),
  })
  .describe('Every checkpoint this server signed, by size')
  .meta({ id: 'KeptCheckpoints', examples: [{ items: [{ size: 62, root: ex.checkpoint.split('\n')[2], note: ex.checkpoint }], nextFrom: null }] });

export const ChangeItem = z
  .object({
    index: Int,
    type: z.string(),
    recordedAt: z.string(),
    actor: z.string(),
    stream: z.string(),
    incidentId: Slug.optional(),
    sourceId: Slug.optional(),
    claimId: Slug.optional(),
    revision: Int,
  })
  .meta({ id: 'ChangeItem' });

export const ChangePage = z
  .object({
    items: z.array(ChangeItem),
    incidents: z.array(Slug).describe('The incidents these changes touched, sorted'),
    nextFrom: Int.describe('Where the next poll starts'),
  })
  .meta({ id: 'ChangePage', examples: [ex.changes] });

/** POST /events/{index}/redactions (docs/log.md, "Leaf format v2 and redaction"). */
export const RedactionRequest = z
  .strictObject({
    paths: z.array(z.string().max(1000)).min(1).max(200).describe('JSON Pointers (RFC 6901) into the event’s data, e.g. /citation/quote; strings only, not ids, predicate, qualifiers, enumerations or times'),
    reason: z.string().min(1).max(2000).describe('Why (a court order, a privacy request): kept in the FieldsRedacted event, which is public'),
  })
  .meta({ id: 'RedactionRequest', examples: [{ paths: ['/citation/quote', '/note'], reason: 'court order 17/2024' }] });

export const RedactionWritten = z
  .object({
    index: Int.describe('Log index of the FieldsRedacted event'),
    stream: z.literal('redactions'),
    revision: Int.describe('Revision of the redactions stream'),
    position: z.string().describe('The store’s own global position, opaque'),
    target: Int.describe('Log index of the redacted event'),
  })
  .meta({ id: 'RedactionWritten', examples: [{ index: 42, stream: 'redactions', revision: 0, position: '42', target: 7 }] });

/** Non-JSON answers with their real media types. */
export const text = (mediaType: string, description: string, example?: string) => ({
  description,
  content: { [mediaType]: { schema: example === undefined ? z.string() : z.string().meta({ examples: [example] }) } },
});
