/** Shapes every route shares: the problem answer, the write answer, and the error set of each kind of route. */
import { z } from 'zod';
import { Slug } from '../../domain/values.ts';
import * as ex from './examples.ts';

const FieldError = z.object({
  in: z.enum(['body', 'query', 'params', 'headers']),
  path: z.string().describe('JSON Pointer (RFC 6901) to the wrong part; empty for the whole'),
  message: z.string(),
});

export const ProblemSchema = z
  .looseObject({
    type: z.string().describe('`/problems/<code>`: GET it for what the problem means and what to do'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    errors: z.array(FieldError).optional().describe('Validation problems: one entry per wrong field'),
    currentRevision: z.number().int().nullable().optional().describe('412 only: the stream revision now (null: the stream does not exist)'),
  })
  .describe('RFC 9457 problem details (application/problem+json)')
  .meta({ id: 'Problem' });

/** A problem answer with its real media type. */
const problemOf = (description: string) => ({ description, content: { 'application/problem+json': { schema: ProblemSchema } } });

const PROBLEM_TEXT = {
  400: 'Bad input (validation: see `errors`)',
  401: 'No key where one is needed, or an unknown or revoked key (also on public reads)',
  403: "The key's role may not do this",
  404: 'Unknown incident, source or claim, or not at that point in time',
  409: 'A domain rule (id taken, claim retracted, revision before its statement, …)',
  412: 'Stale If-Match (see `currentRevision`)',
  413: 'Body over the body limit',
  415: 'A write without Content-Type: application/json',
  422: 'Unknown source, or an Idempotency-Key reused with another body',
  429: 'Rate limited (see Retry-After)',
  503: 'The event store is unavailable or the server is overloaded (see Retry-After)',
} as const;
type ErrorStatus = keyof typeof PROBLEM_TEXT;

export function problems<const S extends readonly ErrorStatus[]>(statuses: S): { [K in S[number]]: ReturnType<typeof problemOf> } {
  return Object.fromEntries(statuses.map((s) => [s, problemOf(PROBLEM_TEXT[s])])) as { [K in S[number]]: ReturnType<typeof problemOf> };
}

/** The errors of each kind of route, as they are really given. */
export const READ_ERRORS = problems([400, 401, 403, 429, 503]);
export const READ_ONE_ERRORS = problems([400, 401, 403, 404, 429, 503]);
export const CREATE_ERRORS = problems([400, 401, 403, 409, 412, 413, 415, 422, 429, 503]);
export const AMEND_ERRORS = problems([400, 401, 403, 404, 409, 412, 413, 415, 429, 503]);
export const CLAIM_WRITE_ERRORS = problems([400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 503]);

/**
 * The answer of every write: the id of the resource written under the name its resource uses
 * (incidentId, sourceId, claimId), the same id as `id` for one release (deprecated), and where the
 * write landed.
 */
export const Written = z
  .object({
    id: Slug.optional().describe('Deprecated: the same id as incidentId/sourceId, kept for one release'),
    incidentId: Slug.optional(),
    sourceId: Slug.optional(),
    claimId: Slug.optional(),
    revision: z.number().int().min(0).describe('Revision of the stream written (also the ETag)'),
    index: z.number().int().min(0).describe('Global log index of the last event appended'),
    position: z.string().describe('The store’s own global position, opaque'),
  })
  .meta({ id: 'Written', examples: [ex.written] });

/** 304: no body (type null, so the document lists no content). */
export const NotModified = z.null().describe('Not modified: If-None-Match matched the ETag');
