import type { StoredEvent } from '../src/store/port.ts';

/**
 * A read model: a fold over the global log, fed in index order. The pure projections of this folder,
 * the Merkle tree and the idempotency index all take this shape. `apply` may mutate its state, and
 * returns it.
 */
export interface Projection<S = unknown> {
  readonly name: string;
  /** Bumped when the state's shape or meaning changes, so stored snapshots of it can be discarded. */
  readonly version: number;
  initial(): S;
  apply(state: S, e: StoredEvent): S;
  /** Deterministic: the same events give the same string, whatever order Maps were filled in. What a rebuild compares. */
  serialize(state: S): string;
  /** The state item by item (an incident, a source), each serialized as `serialize` would: names what differs. */
  items?(state: S): Map<string, string>;
  /** What a snapshot keeps of the state (v8.serialize'd; without caches that are rebuilt on demand). */
  forSnapshot?(state: S): unknown;
  /** The state again from what forSnapshot kept, as v8.deserialize gives it back. */
  afterRestore?(stored: unknown): S;
}
