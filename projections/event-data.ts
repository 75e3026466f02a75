import type {
  ClaimCorrectedData, ClaimRankedData, ClaimRecordedData, ClaimRetractedData, ClaimRevisedData, IncidentAmendedData,
  IncidentRegisteredData, SourceAmendedData, SourceRegisteredData,
} from '../src/domain/events.ts';
import { INCIDENT_STREAM_PREFIX, SOURCE_STREAM_PREFIX } from '../src/domain/events.ts';
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
export function dataOf<T extends keyof EventDataMap>(e: Pick<StoredEvent, 'data'>, _type: T): EventDataMap[T] {
  return e.data as EventDataMap[T];
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
