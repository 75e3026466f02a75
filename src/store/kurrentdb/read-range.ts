import { START } from '@kurrent/kurrentdb-client';
import type { AllStreamResolvedEvent, Filter, KurrentDBClient, ReadPosition } from '@kurrent/kurrentdb-client';
import type { StoredEvent } from '../port.ts';
import type { LogIndex } from './log-index.ts';
import { toPortError } from './mapping.ts';
import type { AllEvent } from './subscription.ts';

/** Events per $all read page when paging through readAll. */
const PAGE = 500;

/** What a range read needs of the store: its client, its filter and its index map. */
export interface RangeSource {
  client: KurrentDBClient;
  filter: Filter;
  index: LogIndex;
  ours(e: AllEvent | undefined): AllEvent | undefined;
  stored(e: AllEvent, index: bigint): StoredEvent;
}

/**
 * Events [from, end) of the index map, read from $all. Starts at the event *before* `from` and
 * skips by index, so it is right whether the server treats a read's start position as inclusive
 * or not.
 */
export async function readRange(src: RangeSource, from: bigint, end: bigint): Promise<StoredEvent[]> {
  const out: StoredEvent[] = [];
  let next = from;
  let cursor: ReadPosition = from === 0n ? START : (src.index.at(from - 1n)?.position ?? START);
  while (next < end) {
    let read = 0;
    const pageSize = Math.min(PAGE, Number(end - next)) + 1;
    try {
      const page: AsyncIterable<AllStreamResolvedEvent> = src.client.readAll({
        fromPosition: cursor,
        filter: src.filter,
        maxCount: pageSize,
        requiresLeader: true,
      });
      for await (const resolved of page) {
        read += 1;
        const raw = resolved.event;
        if (raw === undefined) continue;
        cursor = raw.position;
        const e = src.ours(raw);
        if (e === undefined) continue;
        const index = src.index.indexOf(e.id.toLowerCase());
        if (index === undefined || index >= end) return out;
        if (index < next) continue;
        if (index !== next) throw new Error(`$all read expected index ${next}, found ${index}`);
        out.push(src.stored(e, index));
        next += 1n;
        if (next >= end) return out;
      }
    } catch (err) {
      throw toPortError(err, '$all');
    }
    // A short page is the end of $all; the map said there was more, so something is inconsistent.
    if (read < pageSize) throw new Error(`$all ended at index ${next}, before the indexed end ${end}`);
  }
  return out;
}
