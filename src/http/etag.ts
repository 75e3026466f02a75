import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AsOf } from '../app/reads.ts';
import { jsonOf, sendJsonText } from './json-cache.ts';

/** The as-of parameters of a query string, revisions as bigint (the one conversion at the edge). */
export function asOfFromQuery(q: { asOf?: string | undefined; knownAt?: string | undefined; atRevision?: number | undefined }): AsOf {
  return {
    ...(q.asOf !== undefined ? { asOf: q.asOf } : {}),
    ...(q.knownAt !== undefined ? { knownAt: q.knownAt } : {}),
    ...(q.atRevision !== undefined ? { atRevision: BigInt(q.atRevision) } : {}),
  };
}

/**
 * A plain read carries the stream revision as a strong ETag; an as-of read a weak one that also
 * encodes the as-of parameters, so a cached answer for one point in time never serves another.
 */
export function readEtag(revision: number | bigint, q: { asOf?: string | undefined; knownAt?: string | undefined; atRevision?: number | undefined }): string {
  if (q.asOf === undefined && q.knownAt === undefined && q.atRevision === undefined) return `"${revision}"`;
  const h = createHash('sha256').update(JSON.stringify([q.asOf ?? null, q.knownAt ?? null, q.atRevision ?? null])).digest('base64url').slice(0, 12);
  return `W/"${revision}-${h}"`;
}

function matches(ifNoneMatch: string, etag: string): boolean {
  const bare = etag.replace(/^W\//, '');
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag.replace(/^W\//, '') === bare;
  });
}

/** `body` is an object, or its JSON text (or bytes) when the caller already has it. */
export function replyWithEtag(req: FastifyRequest, reply: FastifyReply, etag: string, body: object | string | Buffer): FastifyReply {
  reply.header('etag', etag);
  const inm = req.headers['if-none-match'];
  if (typeof inm === 'string' && matches(inm, etag)) return reply.code(304).send();
  return sendJsonText(reply, typeof body === 'string' || Buffer.isBuffer(body) ? body : jsonOf(body));
}
