import type { FastifyReply, FastifyRequest } from 'fastify';
import type { WriteContext, WriteResult } from '../app/write-service.ts';
import { HttpProblem } from './problems.ts';

export interface WriteSpec {
  status: 200 | 201;
  /** The id field of the resource written; incidents and sources also answer `id` (deprecated, one release). */
  idField: 'incidentId' | 'sourceId' | 'claimId';
  id(result: WriteResult): string;
  /** Creations answer with a Location. */
  location?(result: WriteResult): string;
}

function header(req: FastifyRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `If-Match: "<revision>"` → the revision; anything else is a 400. */
export function parseIfMatch(req: FastifyRequest): bigint | undefined {
  const raw = header(req, 'if-match');
  if (raw === undefined) return undefined;
  const m = /^\s*"(\d{1,15})"\s*$/.exec(raw);
  if (!m) {
    throw new HttpProblem('validation', 'If-Match must be a quoted stream revision, e.g. "3"', {
      errors: [{ in: 'headers', path: '/if-match', message: 'must be "<revision>"' }],
    });
  }
  return BigInt(m[1]!);
}

function idempotencyKey(req: FastifyRequest): string | undefined {
  const key = header(req, 'idempotency-key');
  if (key === undefined) return undefined;
  if (key.length === 0 || key.length > 200 || !/^[\x21-\x7e]+$/.test(key)) {
    throw new HttpProblem('validation', 'Idempotency-Key must be 1 to 200 visible ASCII characters', {
      errors: [{ in: 'headers', path: '/idempotency-key', message: 'must be 1 to 200 visible ASCII characters' }],
    });
  }
  return key;
}

export function writeContext(req: FastifyRequest): WriteContext {
  if (!req.principal) throw new HttpProblem('unauthorized', 'writes need a key');
  const causation = header(req, 'x-causation-id');
  const ifMatch = parseIfMatch(req);
  return {
    actor: req.principal.id,
    correlationId: correlationId(req),
    ...(causation !== undefined && causation.length <= 200 ? { causationId: causation } : {}),
    ...(ifMatch !== undefined ? { ifMatch } : {}),
  };
}

export function correlationId(req: FastifyRequest): string {
  const v = header(req, 'x-correlation-id');
  return v !== undefined && v.length > 0 && v.length <= 200 ? v : req.id;
}

function answer(reply: FastifyReply, spec: WriteSpec, r: WriteResult): void {
  reply.code(spec.status).header('ETag', `"${r.revision}"`);
  if (spec.location) reply.header('Location', spec.location(r));
  if (r.replayed) reply.header('Idempotency-Replayed', 'true');
  const id = spec.id(r);
  void reply.send({ ...(spec.idField === 'claimId' ? {} : { id }), [spec.idField]: id, revision: Number(r.revision), index: Number(r.index), position: String(r.position) });
}

/** The write context with the Idempotency-Key of a POST and the request it names. */
export function idempotentContext(req: FastifyRequest): WriteContext {
  const ctx = writeContext(req);
  // PATCH too: an amendment retried after a lost answer must not be appended twice.
  const key = req.method === 'POST' || req.method === 'PATCH' ? idempotencyKey(req) : undefined;
  if (key !== undefined) ctx.idempotency = { key, method: req.method, path: req.url.split('?')[0] ?? req.url, body: req.body };
  return ctx;
}

/**
 * The HTTP half of every write: the headers become the write context (the Idempotency-Key with the
 * request it names, If-Match, correlation), `run` performs the command through the write service,
 * which owns the idempotency rules, and the result becomes the answer.
 */
export async function write(
  req: FastifyRequest,
  reply: FastifyReply,
  spec: WriteSpec,
  run: (ctx: WriteContext) => Promise<WriteResult>,
): Promise<void> {
  answer(reply, spec, await run(idempotentContext(req)));
  // An async handler that resolves to undefined while the async onSend hooks still run makes fastify
  // send a second time (a thrown ERR_HTTP_HEADERS_SENT and an error-handler pass per write); the
  // reply itself tells it the answer is under way. Typed void, as the route schemas type the body.
  return reply as never;
}
