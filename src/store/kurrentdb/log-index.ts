import type { Position } from '@kurrent/kurrentdb-client';
import { comparePositions } from './mapping.ts';

export interface IndexEntry {
  eventId: string;
  position: Position;
}

/**
 * The port's dense 0-based `index`, which KurrentDB does not have: $all is addressed by log
 * positions with gaps (system events, other applications' streams, record headers). Each adapter
 * instance builds this map by reading the Palimpsest part of $all from the start, so opening costs
 * one pass over $all and the map costs memory for every event (an id and two bigints).
 *
 * Entries are only ever added at the end and in $all order, which is what makes the index the
 * same on every instance reading the same log.
 */
export class LogIndex {
  readonly #entries: IndexEntry[] = [];
  readonly #byId = new Map<string, number>();

  get size(): bigint {
    return BigInt(this.#entries.length);
  }

  get last(): IndexEntry | undefined {
    return this.#entries[this.#entries.length - 1];
  }

  at(index: bigint): IndexEntry | undefined {
    if (index < 0n || index >= BigInt(this.#entries.length)) return undefined;
    return this.#entries[Number(index)];
  }

  indexOf(eventId: string): bigint | undefined {
    const i = this.#byId.get(eventId);
    return i === undefined ? undefined : BigInt(i);
  }

  /**
   * Adds the next event of $all. An event at or before the last position is refused: reads and
   * subscriptions that resume from a position may hand back the event they resumed from.
   * Returns its index, or undefined when it was refused.
   */
  push(eventId: string, position: Position): bigint | undefined {
    const last = this.last;
    if (last !== undefined && comparePositions(position, last.position) <= 0) return undefined;
    if (this.#byId.has(eventId)) {
      // One id at two positions would make `index` depend on which copy a reader met first.
      throw new Error(`event id ${eventId} appears twice in $all`);
    }
    this.#byId.set(eventId, this.#entries.length);
    this.#entries.push({ eventId, position });
    return BigInt(this.#entries.length - 1);
  }
}
