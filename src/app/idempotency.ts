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

/** A record as the snapshot keeps it: scope, requestHash, stream, the ids in ID_FIELDS order (null when absent), then revision, index and position in decimal. */
type PackedWrite = [string, string, string, ...(string | null)[]];

/**
 * Every idempotent request the log holds, by scope. After a snapshot restore the records stay the
 * one JSON string the snapshot kept until the first lookup: a hundred thousand records cost the
 * restore a single string (v8.deserialize of as many objects with bigints was most of a
 * million-event start; docs/operations.md, "Memory and start-up").
 */
export class IdempotencyIndex {
  #records: Map<string, IdempotentWrite> | undefined;
  #packed: string | undefined;
  /** One copy of the ids and stream names the records repeat (many requests name one source or stream). */
  readonly #strings = new Map<string, string>();

  constructor(packed?: string) {
    if (packed === undefined) this.#records = new Map();
    else this.#packed = packed;
  }

  /** Whether the records have been decoded (tests: a restore leaves them packed). */
  get isOpen(): boolean {
    return this.#records !== undefined;
  }

  get(scope: string): IdempotentWrite | undefined {
    return this.#open().get(scope);
  }

  /** Records the request of `e` (its first event), or moves its last event on. */
  record(e: StoredEvent, idempotencyKey: string, requestHash: string): void {
    const records = this.#open();
    const scope = idempotencyScope(e.metadata.actor, idempotencyKey);
    const seen = records.get(scope);
    if (seen === undefined) {
      const ids = idsOf(e.data);
      for (const [k, v] of Object.entries(ids)) ids[k] = intern(this.#strings, v);
      records.set(scope, { requestHash, stream: intern(this.#strings, e.stream), ids, revision: e.revision, index: e.index, position: e.position });
    } else if (seen.requestHash === requestHash && seen.stream === e.stream) {
      seen.revision = e.revision;
      seen.index = e.index;
      seen.position = e.position;
    }
  }

  entries(): IterableIterator<[string, IdempotentWrite]> {
    return this.#open().entries();
  }

  /** The records as one string, as kept (never decoded) or encoded now. */
  packed(): string {
    if (this.#packed !== undefined) return this.#packed;
    const rows: PackedWrite[] = [];
    for (const [scope, w] of this.#open()) {
      rows.push([scope, w.requestHash, w.stream, ...ID_FIELDS.map((f) => w.ids[f] ?? null), String(w.revision), String(w.index), String(w.position)]);
    }
    return JSON.stringify(rows);
  }

  #open(): Map<string, IdempotentWrite> {
    if (this.#records !== undefined) return this.#records;
    const records = new Map<string, IdempotentWrite>();
    for (const row of JSON.parse(this.#packed ?? '[]') as PackedWrite[]) {
      const ids: Record<string, string> = {};
      ID_FIELDS.forEach((f, i) => {
        const v = row[3 + i];
        if (typeof v === 'string') ids[f] = intern(this.#strings, v);
      });
      const at = 3 + ID_FIELDS.length;
      records.set(row[0], {
        requestHash: row[1], stream: intern(this.#strings, row[2]), ids,
        revision: BigInt(row[at]!), index: BigInt(row[at + 1]!), position: BigInt(row[at + 2]!),
      });
    }
    this.#records = records;
    this.#packed = undefined;
    return records;
  }
}

/** Idempotency records live in the events' metadata, so they survive restarts and show in the log. */
export const idempotencyIndex: Projection<IdempotencyIndex> = {
  name: 'idempotency',
  // 3: kept in a snapshot as one packed string.
  version: 3,
  initial: () => new IdempotencyIndex(),
  apply(state, e) {
    const { idempotencyKey, requestHash } = e.metadata;
    if (idempotencyKey !== undefined && requestHash !== undefined) state.record(e, idempotencyKey, requestHash);
    return state;
  },
  serialize(state) {
    const entries = [...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return canonicalize(entries.map(([scope, w]) => [scope, { ...w, revision: String(w.revision), index: String(w.index), position: String(w.position) }])) ?? '';
  },
  forSnapshot: (state) => state.packed(),
  afterRestore: (stored) => {
    if (typeof stored !== 'string') throw new Error('the idempotency index of a snapshot is one string');
    return new IdempotencyIndex(stored);
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
