import type {
  ClaimCorrectedData, ClaimRankedData, ClaimRecordedData, ClaimRetractedData, ClaimRevisedData, IncidentAmendedData,
  IncidentRegisteredData, SourceAmendedData, SourceRegisteredData,
} from '../src/domain/events.ts';
import { INCIDENT_STREAM_PREFIX, SOURCE_STREAM_PREFIX } from '../src/domain/events.ts';
import { parsePointer } from '../src/log/leaf-v2.ts';
import type { StoredEvent } from '../src/store/port.ts';

export interface EventDataMap {
  IncidentRegistered: IncidentRegisteredData;
  IncidentAmended: IncidentAmendedData;
  ClaimRecorded: ClaimRecordedData;
  ClaimRevised: ClaimRevisedData;
  ClaimRetracted: ClaimRetractedData;
  ClaimCorrected: ClaimCorrectedData;
  ClaimRanked: ClaimRankedData;
  SourceRegistered: SourceRegisteredData;
  SourceAmended: SourceAmendedData;
}

/**
 * The store validated every event when it was written, so the folds trust the data instead of parsing
 * it again: re-parsing a million events with zod would dominate a rebuild.
 */
export function dataOf<T extends keyof EventDataMap>(e: Pick<StoredEvent, 'data' | 'opening'>, _type: T): EventDataMap[T] {
  return readData(e) as EventDataMap[T];
}

const marked = new WeakMap<object, unknown>();

/**
 * The data every read model sees: the stored data, where a redacted string already reads as null,
 * and each object that held an erased string lists it in `redacted` (pointers into the event's data,
 * sorted), so that every answer built from it says what was erased (docs/log.md).
 */
export function readData(e: Pick<StoredEvent, 'data' | 'opening'>): unknown {
  const { opening } = e;
  if (opening === undefined || 'seed' in opening) return e.data;
  const paths = Object.keys(opening.redacted).sort();
  if (paths.length === 0) return e.data;
  const key = e as object;
  if (marked.has(key)) return marked.get(key);
  const data = structuredClone(e.data);
  for (const p of paths) markRedacted(data, parsePointer(p), p);
  marked.set(key, data);
  return data;
}

/** Adds `p` to the `redacted` list of the nearest object that holds the erased string. */
function markRedacted(data: unknown, tokens: readonly string[], p: string): void {
  let holder: Record<string, unknown> | undefined;
  let v = data;
  for (const t of tokens.slice(0, -1)) {
    if (isObject(v)) holder = v;
    v = Array.isArray(v) ? v[Number(t)] : isObject(v) ? v[t] : undefined;
  }
  if (isObject(v)) holder = v;
  if (holder === undefined) return;
  const list = Array.isArray(holder.redacted) ? (holder.redacted as string[]) : [];
  holder.redacted = [...list, p];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Pointers an object lists as erased (see readData); undefined when none. */
export function redactedListOf(v: unknown): string[] | undefined {
  return isObject(v) && Array.isArray(v.redacted) ? (v.redacted as string[]) : undefined;
}

export function incidentIdOf(e: StoredEvent): string | undefined {
  return e.stream.startsWith(INCIDENT_STREAM_PREFIX) ? e.stream.slice(INCIDENT_STREAM_PREFIX.length) : undefined;
}

export function sourceIdOf(e: StoredEvent): string | undefined {
  return e.stream.startsWith(SOURCE_STREAM_PREFIX) ? e.stream.slice(SOURCE_STREAM_PREFIX.length) : undefined;
}

/** Options shared by the as-of builders. */
export interface KnownAtOptions {
  /** Statement time (RFC 3339): source statements stated after it do not count. */
  knownAt?: string;
}
