/**
 * What one append request writes, decided in memory against the log as it stands under the head
 * lock. Every rule a request can break (expected revision, a batch stored only in part) is checked
 * here, before any row is sent, so a refused request writes nothing and the requests after it see
 * the log exactly as if it had never been made.
 */
import { eventLeafHash } from '../../log/leaf.ts';
import { newSeed, servedOpening, type Opening } from '../../log/leaf-v2.ts';
import type { AppendResult, EventPlace } from '../port.ts';
import { checkExpected, type CheckedAppend } from '../rules.ts';

/** One append, checked by the port rules before it was queued. */
export type AppendRequest = CheckedAppend & { stream: string };

export interface StoredRef {
  idx: bigint;
  stream: string;
  revision: bigint;
}

/** The part of the log a batch's requests can see: its head, their streams' heads, their ids. */
export interface LogState {
  nextIndex: bigint;
  lastRecordedAt: string | undefined;
  /** Head of each stream a request of the batch names; absent when the stream has no events. */
  heads: Map<string, { idx: bigint; revision: bigint }>;
  /** Every event id of the batch that is stored, or written by an earlier request of the batch. */
  ids: Map<string, StoredRef>;
}

export interface EventRow {
  idx: bigint;
  stream: string;
  revision: bigint;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  dataText: string;
  metadataText: string;
  leafHash: Buffer;
  /** The opening in its served form as JSON text; null for a v1 event (only an import writes one). */
  openingText: string | null;
}

/** The opening column's text: the served form (docs/log.md), so one parser reads rows and /events items. */
export function openingText(opening: Opening | undefined): string | null {
  return opening === undefined ? null : JSON.stringify(servedOpening(opening));
}

export type Plan =
  | { kind: 'write'; rows: EventRow[]; result: AppendResult }
  /** Nothing to write: an empty append or a replay of stored ids. */
  | { kind: 'answer'; result: AppendResult }
  | { kind: 'refuse'; error: unknown };

/** Reads the state, never changes it: applyPlan does, once the rows are written. */
export function plan(r: AppendRequest, s: LogState, now: number): Plan {
  try {
    return planOrThrow(r, s, now);
  } catch (error) {
    return { kind: 'refuse', error };
  }
}

function planOrThrow(r: AppendRequest, s: LogState, now: number): Plan {
  const head = s.heads.get(r.stream);
  const first = r.events[0];
  if (first === undefined) {
    checkExpected(r.stream, r.expected, head?.revision);
    // Describes the stream as it stands (-1 when it has no events), so read-your-writes waits for nothing new.
    const idx = head?.idx ?? -1n;
    return { kind: 'answer', result: { nextRevision: head?.revision ?? -1n, index: idx, position: idx, places: [], replayed: false } };
  }
  if (s.ids.has(first.eventId)) return { kind: 'answer', result: replay(r, s) };
  checkExpected(r.stream, r.expected, head?.revision);

  // The later of the clock and the last value, read under the head lock: recordedAt never
  // decreases along the log, even when this instance's clock is behind another's.
  const last = s.lastRecordedAt === undefined ? 0 : Date.parse(s.lastRecordedAt);
  const recordedAt = new Date(Math.max(now, last)).toISOString();
  let idx = s.nextIndex;
  let revision = head === undefined ? 0n : head.revision + 1n;
  const rows: EventRow[] = [];
  for (const e of r.events) {
    if (s.ids.has(e.eventId)) {
      throw new Error(`append to ${r.stream}: event ${e.eventId} is already stored but the batch's first event is not; a batch is replayed whole or not at all`);
    }
    // Every event gets its own random seed (leaf format 2): its strings can be erased later.
    const opening = { seed: newSeed() };
    const leafHash = eventLeafHash({
      index: idx, stream: r.stream, revision, eventId: e.eventId, type: e.type,
      schemaVersion: e.schemaVersion, recordedAt, data: e.data, metadata: e.metadata, opening,
    });
    rows.push({
      idx, stream: r.stream, revision, eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion,
      recordedAt, dataText: e.dataText, metadataText: e.metadataText, leafHash, openingText: openingText(opening),
    });
    idx += 1n;
    revision += 1n;
  }
  const lastIdx = idx - 1n;
  const places = rows.map((row) => ({ revision: row.revision, index: row.idx, position: row.idx }));
  return { kind: 'write', rows, result: { nextRevision: revision - 1n, index: lastIdx, position: lastIdx, places, replayed: false } };
}

/** The request's ids are stored: answer what the original append answered, write nothing. */
function replay(r: AppendRequest, s: LogState): AppendResult {
  let last: StoredRef | undefined;
  const places: EventPlace[] = [];
  for (const e of r.events) {
    const ref = s.ids.get(e.eventId);
    if (ref === undefined) {
      throw new Error(`append to ${r.stream}: only part of the batch is stored (event ${e.eventId} is not); a batch is replayed whole or not at all`);
    }
    if (ref.stream !== r.stream) throw new Error(`append to ${r.stream}: event ${e.eventId} is already stored in stream ${ref.stream}`);
    last = ref;
    places.push({ revision: ref.revision, index: ref.idx, position: ref.idx });
  }
  if (last === undefined) throw new Error('replay of an empty batch');
  return { nextRevision: last.revision, index: last.idx, position: last.idx, places, replayed: true };
}

/** Makes a written plan part of the state the next request sees. */
export function applyPlan(s: LogState, rows: EventRow[]): void {
  const last = rows[rows.length - 1];
  if (last === undefined) return;
  for (const row of rows) s.ids.set(row.eventId, { idx: row.idx, stream: row.stream, revision: row.revision });
  s.heads.set(last.stream, { idx: last.idx, revision: last.revision });
  s.nextIndex = last.idx + 1n;
  s.lastRecordedAt = last.recordedAt;
}
