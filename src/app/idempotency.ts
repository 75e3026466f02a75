import { createHash, createHmac } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { StoredEvent } from '../store/port.ts';
import { intern } from '../../projections/collections.ts';
import type { Projection } from '../../projections/projection.ts';

/** What a replay needs of the events one idempotent request wrote: no more, since every keyed request keeps one. */
export interface IdempotentWrite {
  requestHash: string;
  stream: string;
  /** The ids an answer names, from the first event's data (incidentId, sourceId, claimId). */
  ids: Record<string, string>;
  /** Of the last event the request wrote. */
  revision: bigint;
  index: bigint;
  position: bigint;
}

export type IdempotencyIndex = Map<string, IdempotentWrite>;

/** Keys are scoped to the caller: the same key from two actors names two requests. */
export const idempotencyScope = (actor: string, key: string): string => `${actor}\u0000${key}`;

const ID_FIELDS = ['incidentId', 'sourceId', 'claimId'] as const;

/** The id fields of an event's data: what a write's answer and Location are built from. */
export function idsOf(data: unknown): Record<string, string> {
  const ids: Record<string, string> = {};
  if (typeof data !== 'object' || data === null) return ids;
  for (const f of ID_FIELDS) {
    const v = (data as Record<string, unknown>)[f];
    if (typeof v === 'string') ids[f] = v;
  }
  return ids;
}

/** One copy of the ids and stream names the records repeat (many requests name one source or stream), per index. */
const internTables = new WeakMap<IdempotencyIndex, Map<string, string>>();
function stringsOf(state: IdempotencyIndex): Map<string, string> {
  let table = internTables.get(state);
  if (table === undefined) {
    table = new Map();
    internTables.set(state, table);
  }
  return table;
}

/** Idempotency records live in the events' metadata, so they survive restarts and show in the log. */
export const idempotencyIndex: Projection<IdempotencyIndex> = {
  name: 'idempotency',
  version: 2,
  initial: () => new Map(),
  apply(state, e) {
    const { idempotencyKey, requestHash } = e.metadata;
    if (idempotencyKey === undefined || requestHash === undefined) return state;
    const scope = idempotencyScope(e.metadata.actor, idempotencyKey);
    const seen = state.get(scope);
    if (seen === undefined) {
      const ids = idsOf(e.data);
      const strings = stringsOf(state);
      for (const [k, v] of Object.entries(ids)) ids[k] = intern(strings, v);
      state.set(scope, { requestHash, stream: intern(strings, e.stream), ids, revision: e.revision, index: e.index, position: e.position });
    } else if (seen.requestHash === requestHash && seen.stream === e.stream) {
      seen.revision = e.revision;
      seen.index = e.index;
      seen.position = e.position;
    }
    return state;
  },
  serialize(state) {
    const entries = [...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return canonicalize(entries.map(([scope, w]) => [scope, { ...w, revision: String(w.revision), index: String(w.index), position: String(w.position) }])) ?? '';
  },
};

/**
 * The hash kept in event metadata: HMAC-SHA256 under the server's request hash key over the method,
 * the path and the RFC 8785 canonical body (hex). Metadata is public, and a plain hash of a body
 * would let anyone confirm a guess of a value later erased from it (docs/log.md). Without a
 * key, the plain SHA-256 that events stored before the key existed carry.
 */
export function requestHash(method: string, path: string, body: unknown, key?: Buffer): string {
  const canonical = canonicalize(body ?? null) ?? 'null';
  const text = `${method.toUpperCase()} ${path}\n${canonical}`;
  return (key === undefined ? createHash('sha256') : createHmac('sha256', key)).update(text).digest('hex');
}

/**
 * Event ids derived from (actor, key, position in the batch): two racing copies of one request
 * append the same ids, and the store's unique event id turns the second into a replay.
 */
export function idempotentEventId(actor: string, key: string, i: number): string {
  const h = createHash('sha256').update(`palimpsest-event\u0000${actor}\u0000${key}\u0000${i}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80; // version 8: custom, name-based
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 9562 variant
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
