/**
 * An incident in the incident view, whose claims are kept as bytes while no one reads or changes
 * them (docs/operations.md, "Memory and start-up"). At a million events the claims' objects are most
 * of the server's heap, and decoding them all was most of a snapshot restore, while only a few
 * incidents are read or written at a time. So an incident's claims are opened (decoded into
 * ClaimState objects) on first use, and the live view closes the least recently used ones again
 * (encoded back into bytes) once more than a budget of claims are open. A closed incident's bytes
 * are what a snapshot stores, so a restore decodes none of them.
 */
import * as v8 from 'node:v8';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { IncidentFields } from '../../src/domain/events.ts';
import type { ClaimStatus, RankName } from '../../src/domain/claim-layers.ts';
import { intern } from '../collections.ts';
import { ClaimState, internLayers } from './claim-state.ts';

/** What an incident holds besides its claims. */
export interface IncidentHead {
  incidentId: string;
  fields: IncidentFields;
  revision: number;
  updatedAt: string;
  /** occurredAt.start's earliest instant: the timeline's sort key. */
  sortKey: number;
}

/** One claim as a row: an array costs no key names in the bytes, which an object would repeat per claim. */
type ClaimRow = [
  claimId: string, predicate: ClaimState['predicate'], qualifiers: ClaimState['qualifiers'], sourceId: string,
  value: ClaimState['value'], statedAt: string, citation: ClaimState['citation'], note: string | undefined,
  redacted: string[] | undefined, status: ClaimStatus, rank: RankName, pendingRank: RankName | undefined,
  revisionCount: number, correctionCount: number, latestHidden: boolean, key: string, mode: string | undefined, recordedAt: number,
];

const STATUSES: Record<ClaimStatus, ClaimStatus> = { active: 'active', retracted: 'retracted', voided: 'voided' };
const RANKS: Record<RankName, RankName> = { preferred: 'preferred', normal: 'normal', deprecated: 'deprecated' };

/**
 * The claims, in recording order: v8.serialize'd rows, deflated (claims repeat the same few sources,
 * predicates, dates and keys), kept as a one-byte string. A string lives in the JavaScript heap,
 * which the collector compacts; ten thousand buffers of a few KiB each would sit in the C heap,
 * where the holes closed incidents leave are never given back to the system.
 */
export function packClaims(claims: Map<string, ClaimState>): string {
  const rows: ClaimRow[] = [];
  for (const c of claims.values()) {
    rows.push([
      c.claimId, c.predicate, c.qualifiers, c.sourceId, c.value, c.statedAt, c.citation, c.note, c.redacted,
      c.status, c.rank, c.pendingRank, c.revisionCount, c.correctionCount, c.latestHidden, c.key, c.mode, c.recordedAt,
    ]);
  }
  return deflateRawSync(v8.serialize(rows), { level: 1 }).toString('latin1');
}

/** The claims packClaims encoded, each a ClaimState again sharing one copy of each repeated string. */
export function unpackClaims(packed: string, strings: Map<string, string>): Map<string, ClaimState> {
  const rows = v8.deserialize(inflateRawSync(Buffer.from(packed, 'latin1'))) as ClaimRow[];
  const claims = new Map<string, ClaimState>();
  for (const r of rows) {
    const c = new ClaimState({
      claimId: r[0], predicate: intern(strings, r[1]), qualifiers: r[2], sourceId: intern(strings, r[3]), value: r[4], statedAt: r[5],
      citation: r[6], note: r[7], redacted: r[8], status: STATUSES[r[9]], rank: RANKS[r[10]],
      pendingRank: r[11] === undefined ? undefined : RANKS[r[11]], revisionCount: r[12], correctionCount: r[13], latestHidden: r[14],
    }, intern(strings, r[15]), r[16] === undefined ? undefined : intern(strings, r[16]), r[17]);
    claims.set(c.claimId, internLayers(strings, c));
  }
  return claims;
}

/**
 * The open incidents of one view, least recently used first, and the budget of claims they may hold.
 * Only the live view has one: a scratch fold (an as-of read, a history) lives for one answer.
 */
export class ClaimShelf {
  readonly #open = new Map<IncidentState, number>();
  #claims = 0;

  constructor(readonly strings: Map<string, string>, readonly budget: number) {}

  /** Claims held by open incidents, as counted when each was last used. */
  get openClaims(): number {
    return this.#claims;
  }

  /** `inc` was used: it becomes the most recently used, counted at its current size. */
  used(inc: IncidentState, size: number): void {
    this.#claims += size - (this.#open.get(inc) ?? 0);
    this.#open.delete(inc);
    this.#open.set(inc, size);
    if (this.#claims > this.budget) this.#closeOldest(inc);
  }

  /** Closes the least recently used incidents, never `keep`, until a quarter of the budget is free. */
  #closeOldest(keep: IncidentState): void {
    for (const [inc, size] of this.#open) {
      if (this.#claims <= (this.budget * 3) / 4) return;
      if (inc === keep) continue;
      this.#open.delete(inc);
      this.#claims -= size;
      inc.close();
    }
  }
}

export class IncidentState implements IncidentHead {
  incidentId: string;
  fields: IncidentFields;
  revision: number;
  updatedAt: string;
  sortKey: number;
  /** Open: the claims' objects. Undefined while closed. */
  #claims: Map<string, ClaimState> | undefined;
  /** The claims' bytes, while they still describe the claims (dropped by the first change after opening). */
  #packed: string | undefined;
  readonly #shelf: ClaimShelf | undefined;

  constructor(head: IncidentHead, claims: Map<string, ClaimState> | string, shelf?: ClaimShelf) {
    this.incidentId = head.incidentId;
    this.fields = head.fields;
    this.revision = head.revision;
    this.updatedAt = head.updatedAt;
    this.sortKey = head.sortKey;
    this.#shelf = shelf;
    if (typeof claims !== 'string') {
      this.#claims = claims;
      shelf?.used(this, claims.size);
    } else {
      this.#packed = claims;
    }
  }

  /** Insertion order = recording order, which is also the order claims are listed in. */
  get claims(): Map<string, ClaimState> {
    let claims = this.#claims;
    if (claims === undefined) {
      // Closed: a packed incident always has its bytes.
      claims = unpackClaims(this.#packed ?? '', this.#shelf?.strings ?? new Map());
      this.#claims = claims;
    }
    this.#shelf?.used(this, claims.size);
    return claims;
  }

  set claims(claims: Map<string, ClaimState>) {
    this.#claims = claims;
    this.#packed = undefined;
    this.#shelf?.used(this, claims.size);
  }

  get isOpen(): boolean {
    return this.#claims !== undefined;
  }

  /** Called before the fold changes a claim in place: the bytes no longer describe the claims. */
  willChange(): void {
    if (this.#packed === undefined) return;
    if (this.#claims === undefined) void this.claims;
    this.#packed = undefined;
  }

  /** The claims as bytes, encoded now if they changed since they were last encoded. */
  packed(): string {
    this.#packed ??= packClaims(this.#claims ?? new Map());
    return this.#packed;
  }

  /** Keeps the claims as bytes only (the shelf calls it; anyone holding the old Map holds a copy no one updates). */
  close(): void {
    this.packed();
    this.#claims = undefined;
  }

  head(): IncidentHead {
    return { incidentId: this.incidentId, fields: this.fields, revision: this.revision, updatedAt: this.updatedAt, sortKey: this.sortKey };
  }

  /** The head and a claims Map of its own, on no shelf; the claim states themselves are shared. */
  copy(): IncidentState {
    return new IncidentState(this.head(), new Map(this.claims));
  }
}
