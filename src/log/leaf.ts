import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { StoredEvent } from '../store/port.ts';
import { leafHashV2 } from './leaf-v2.ts';

/** The fields of a stored event that its leaf commits to (docs/log.md). */
export interface LeafInput {
  index: number;
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  data: unknown;
  metadata: StoredEvent['metadata'];
}

export function leafInput(e: Omit<StoredEvent, 'position' | 'leafHash' | 'opening'>): LeafInput {
  return {
    index: Number(e.index),
    stream: e.stream,
    revision: Number(e.revision),
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    recordedAt: e.recordedAt,
    data: e.data,
    metadata: e.metadata,
  };
}

/** RFC 8785 canonical JSON of the leaf input. */
export function canonicalLeaf(input: LeafInput): string {
  const text = canonicalize(input);
  if (text === undefined) throw new TypeError('leaf input is not serialisable');
  return text;
}

/** RFC 9162 leaf hash: SHA-256(0x00 ‖ input). */
export function leafHashOf(canonicalJson: string): Buffer {
  return createHash('sha256').update(Buffer.from([0])).update(canonicalJson, 'utf8').digest();
}

/** The leaf hash in the event's own format: v2 when it carries an opening, v1 otherwise. */
export function eventLeafHash(e: Omit<StoredEvent, 'position' | 'leafHash'>): Buffer {
  return e.opening === undefined ? leafHashOf(canonicalLeaf(leafInput(e))) : leafHashV2(leafInput(e), e.opening);
}
