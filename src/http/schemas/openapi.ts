/**
 * What the zod route schemas cannot say, added to each operation of the OpenAPI document: the
 * headers a client sends and reads, and which key a route needs. Documentation only: fastify
 * validates with the route's own schemas, and write.ts checks these headers itself.
 */
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

type Transform = typeof jsonSchemaTransform;
type TransformInput = Parameters<Transform>[0];
type JsonSchema = Record<string, unknown>;

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });

const REQUEST_HEADERS = {
  correlation: { 'x-correlation-id': str('Becomes the correlationId of the events written (else the request id); echoed in the answer', { maxLength: 200 }) },
  causation: { 'x-causation-id': str('Becomes the causationId of the events written', { maxLength: 200 }) },
  idempotency: {
    'idempotency-key': str(
      'A repeat with the same method, path and body returns the first answer (Idempotency-Replayed: true) and appends nothing; the same key with another body is 422. Scoped to the caller’s key, kept with the events forever and public in the log: never put secrets in it.',
      { minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
    ),
  },
  ifMatch: { 'if-match': str('The stream revision the write expects, quoted: "3" (stale → 412)', { pattern: '^"\\d+"$' }) },
  ifNoneMatch: { 'if-none-match': str('An ETag this client holds (→ 304 when it still matches)') },
  lastEventId: { 'last-event-id': str('Resume after this log index', { pattern: '^\\d+$' }) },
};

const RESPONSE_HEADERS = {
  correlation: { 'X-Correlation-Id': str('The request’s X-Correlation-Id, else its request id') },
  etag: { ETag: str('"<revision>" of the stream; a weak W/"<revision>-<hash>" on an as-of read') },
  location: { Location: str('The resource created') },
  replayed: { 'Idempotency-Replayed': str('"true" when this is the stored answer of an earlier request with the same Idempotency-Key', { enum: ['true'] }) },
  retryAfter: { 'Retry-After': str('Seconds to wait before retrying') },
};

const CREATES = new Set(['POST /sources', 'POST /incidents', 'POST /incidents/:id/claims']);
const CACHED_READS = new Set(['GET /incidents/:id', 'GET /sources/:id', 'GET /incidents/:id/history', 'GET /incidents/:id/claims/:claimId']);

const PUBLIC_NOTE = (role: string): string =>
  `Public read: no key needed (role ${role}); when the server runs with PALIMPSEST_PUBLIC_READ=false it needs a key with the ${role} role. A key that is sent must be valid (else 401).`;

const DESCRIPTIONS: Record<string, string> = { 200: 'OK', 201: 'Created', 503: 'Unavailable' };

function withHeaders(response: unknown, status: string, headers: JsonSchema): unknown {
  if (typeof response !== 'object' || response === null) return response;
  const r = response as JsonSchema;
  const description = r.description ?? DESCRIPTIONS[status];
  return { ...r, ...(description !== undefined ? { description } : {}), headers: { ...((r.headers as JsonSchema | undefined) ?? {}), ...headers } };
}

/** The transform the swagger plugin runs on each route: zod → JSON Schema, then headers and security. */
export function documentTransform(publicRead: boolean): (input: TransformInput) => ReturnType<Transform> {
  return (input) => {
    const out = jsonSchemaTransform(input);
    const schema = out.schema as JsonSchema & { hide?: boolean; response?: Record<string, unknown> };
    if (schema.hide === true) return out;
    const route = (input as { route?: { method: string | string[]; config?: { role?: string } } }).route;
    const method = String(Array.isArray(route?.method) ? route.method[0] : route?.method ?? 'GET').toUpperCase();
    const key = `${method} ${input.url}`;
    const role = route?.config?.role;
    const write = method === 'POST' || method === 'PATCH';

    const sent: JsonSchema = { ...REQUEST_HEADERS.correlation };
    if (write) Object.assign(sent, REQUEST_HEADERS.causation, REQUEST_HEADERS.ifMatch);
    if (method === 'POST') Object.assign(sent, REQUEST_HEADERS.idempotency);
    if (CACHED_READS.has(key)) Object.assign(sent, REQUEST_HEADERS.ifNoneMatch);
    if (key === 'GET /changes/stream') Object.assign(sent, REQUEST_HEADERS.lastEventId);
    schema.headers = { type: 'object', properties: sent };

    const responses = schema.response ?? {};
    for (const [status, response] of Object.entries(responses)) {
      const h: JsonSchema = { ...RESPONSE_HEADERS.correlation };
      if (status.startsWith('2') && write) {
        Object.assign(h, RESPONSE_HEADERS.etag);
        if (method === 'POST') Object.assign(h, RESPONSE_HEADERS.replayed);
        if (CREATES.has(key)) Object.assign(h, RESPONSE_HEADERS.location);
      }
      if ((status === '200' || status === '304') && CACHED_READS.has(key)) Object.assign(h, RESPONSE_HEADERS.etag);
      if (status === '429' || status === '503') Object.assign(h, RESPONSE_HEADERS.retryAfter);
      responses[status] = withHeaders(response, status, h);
    }

    const notes: string[] = [];
    if (role === undefined) {
      schema.security = [];
      notes.push('Open: no key needed (a key that is sent must be valid, else 401).');
    } else if (publicRead && (role === 'reader' || role === 'auditor')) {
      schema.security = [];
      notes.push(PUBLIC_NOTE(role));
    } else {
      schema.security = [{ bearer: [] }];
      notes.push(`Needs a key with the ${role} role (admin has every role).`);
    }
    const own = typeof schema.description === 'string' ? `${schema.description}\n\n` : '';
    schema.description = `${own}${notes.join(' ')}`;
    return out;
  };
}
