import type { FastifyReply } from 'fastify';
import type { AppErrorCode } from '../app/errors.ts';
import type { DomainErrorCode } from '../domain/errors.ts';

/** Every error code the API answers with, its status and title: the one table no route bypasses. */
export const PROBLEMS = {
  // domain rules
  'incident-exists': [409, 'Incident id already registered'],
  'incident-not-found': [404, 'Incident not found'],
  'source-exists': [409, 'Source id already registered'],
  'source-not-found': [404, 'Source not found'],
  'unknown-source': [422, 'Unknown source'],
  'claim-exists': [409, 'Claim id already used in this incident'],
  'claim-not-found': [404, 'Claim not found'],
  'claim-retracted': [409, 'Claim was retracted by its source'],
  'claim-voided': [409, 'Claim was voided by an erratum'],
  'claim-not-retracted': [409, 'Claim is not retracted'],
  'invalid-value': [400, 'Value does not fit its predicate'],
  'revision-changes-identity': [409, 'A revision must keep the fact it revises'],
  'revision-before-statement': [409, 'Revision stated before the statement it revises'],
  'empty-changes': [400, 'Nothing to change'],
  // the write and read services
  conflict: [409, 'Concurrent update, try again'],
  'precondition-failed': [412, 'Stale If-Match revision'],
  'idempotency-key-reused': [422, 'Idempotency-Key reused with another request'],
  'invalid-cursor': [400, 'Invalid cursor'],
  'revision-out-of-range': [400, 'Revision beyond the current one'],
  'event-not-found': [404, 'No event at that log index'],
  'not-redactable': [409, 'This event cannot be redacted'],
  // HTTP
  validation: [400, 'Invalid request'],
  'bad-request': [400, 'Bad request'],
  unauthorized: [401, 'Missing or unknown API key'],
  forbidden: [403, 'Role not allowed'],
  'not-found': [404, 'Not found'],
  'method-not-allowed': [405, 'Method not allowed'],
  'not-acceptable': [406, 'Not acceptable'],
  'payload-too-large': [413, 'Body too large'],
  'unsupported-media-type': [415, 'Content-Type must be application/json'],
  'rate-limited': [429, 'Too many requests'],
  'request-timeout': [408, 'Request timeout'],
  'store-unavailable': [503, 'Event store unavailable'],
  tampered: [503, 'The store failed its integrity check'],
  overloaded: [503, 'Server overloaded'],
  internal: [500, 'Internal error'],
} as const satisfies Record<string, readonly [number, string]> & Record<DomainErrorCode | AppErrorCode, readonly [number, string]>;

export type ProblemCode = keyof typeof PROBLEMS;

export interface FieldError {
  in: 'body' | 'query' | 'params' | 'headers';
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
  errors?: FieldError[];
  currentRevision?: number | null;
  [extra: string]: unknown;
}

/** An error that the error handler turns into problem+json. */
export class HttpProblem extends Error {
  override readonly name = 'HttpProblem';
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly extra: Omit<Partial<Problem>, 'type' | 'title' | 'status' | 'code' | 'detail'> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
  }
}

export function problem(code: ProblemCode, detail: string, extra: HttpProblem['extra'] = {}): Problem {
  const [status, title] = PROBLEMS[code];
  return { type: `/problems/${code}`, title, status, detail, code, ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(p.status).headers(headers).type('application/problem+json').send(p);
}

export function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEMS, code);
}

/** RFC 6901 JSON Pointer of a zod/AJV path. */
export function jsonPointer(path: readonly PropertyKey[]): string {
  return path.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}
