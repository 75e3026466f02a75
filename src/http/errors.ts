import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../app/errors.ts';
import { DomainError } from '../domain/errors.ts';
import { StoreUnavailable } from '../store/port.ts';
import { HttpProblem, jsonPointer, problem, sendProblem, type FieldError, type Problem } from './problems.ts';

const CONTEXT: Record<string, FieldError['in']> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

interface ValidationItem {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: { keys?: unknown };
}

/** Field errors listed at most: a body of 70,000 unknown keys must not get a 7 MB answer. */
const MAX_FIELD_ERRORS = 20;

/** The first field errors (one per bad field; an unknown key points at the key itself) and how many there are. */
function fieldErrors(where: FieldError['in'], items: readonly ValidationItem[]): { errors: FieldError[]; count: number } {
  const out: FieldError[] = [];
  let count = 0;
  for (const v of items) {
    const base = v.instancePath === '/' ? '' : (v.instancePath ?? '');
    const keys = v.keyword === 'unrecognized_keys' && Array.isArray(v.params?.keys) ? (v.params.keys as unknown[]) : undefined;
    if (keys) {
      for (const k of keys.slice(0, Math.max(0, MAX_FIELD_ERRORS - out.length))) out.push({ in: where, path: `${base}${jsonPointer([String(k)])}`, message: `unknown field '${String(k)}'` });
      count += keys.length;
    } else {
      if (out.length < MAX_FIELD_ERRORS) out.push({ in: where, path: base, message: v.message ?? 'invalid' });
      count += 1;
    }
  }
  return { errors: out, count };
}

const FASTIFY_CODES: Record<string, Parameters<typeof problem>[0]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad-request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad-request',
  FST_ERR_BAD_URL: 'bad-request',
  FST_ERR_ASYNC_CONSTRAINT: 'bad-request',
  FST_ERR_REQUEST_TIMEOUT: 'request-timeout',
};

/** A service's refusal: a read parameter at fault becomes a query field error, a stale revision `currentRevision`. */
function appProblem(err: AppError): Problem {
  const { parameter, currentRevision, errors } = err.details;
  const extra: Partial<Problem> = {};
  if (errors !== undefined) extra.errors = errors.map((e) => ({ in: 'body', ...e }));
  if (parameter !== undefined) extra.errors = [{ in: 'query', path: jsonPointer([parameter]), message: err.message }];
  if (currentRevision !== undefined) extra.currentRevision = currentRevision === null ? null : Number(currentRevision);
  return problem(err.code, err.message, extra);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof HttpProblem) return sendProblem(reply, problem(err.code, err.message, err.extra), err.headers);
    if (err instanceof DomainError) {
      const errors = err.details?.errors?.map((e) => ({ in: 'body' as const, ...e }));
      return sendProblem(reply, problem(err.code, err.message, errors ? { errors } : {}));
    }
    if (err instanceof AppError) return sendProblem(reply, appProblem(err));
    if (err instanceof StoreUnavailable) return sendProblem(reply, problem('store-unavailable', err.message), { 'Retry-After': '5' });
    const fe = err as FastifyError & { validationContext?: string };
    if (fe.validation) {
      const where = CONTEXT[fe.validationContext ?? 'body'] ?? 'body';
      const { errors, count } = fieldErrors(where, fe.validation as ValidationItem[]);
      const more = count > errors.length ? ` (and ${count - errors.length} more)` : '';
      const detail = errors.map((e) => `${e.in} ${e.path || '/'}: ${e.message}`).join('; ') + more;
      return sendProblem(reply, problem('validation', detail, { errors, errorCount: count }));
    }
    const mapped = fe.code ? FASTIFY_CODES[fe.code] : undefined;
    if (mapped) return sendProblem(reply, problem(mapped, fe.message));
    if (fe.statusCode === 429) {
      const retry = String(reply.getHeader('retry-after') ?? '60');
      return sendProblem(reply, problem('rate-limited', fe.message), { 'Retry-After': retry });
    }
    if (fe.statusCode === 503) return sendProblem(reply, problem('overloaded', fe.message), { 'Retry-After': '5' });
    if (fe.statusCode !== undefined && fe.statusCode >= 400 && fe.statusCode < 500) {
      // A client error raised by fastify or a plugin (e.g. a malformed JSON body, proto poisoning).
      return sendProblem(reply, { ...problem('bad-request', fe.message), status: fe.statusCode });
    }
    req.log.error({ err }, 'unhandled error');
    return sendProblem(reply, problem('internal', 'an internal error occurred; it has been logged'));
  });

  app.setNotFoundHandler((req, reply) => sendProblem(reply, problem('not-found', `no route ${req.method} ${req.url.split('?')[0]}`)));
}
