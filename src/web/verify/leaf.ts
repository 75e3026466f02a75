/**
 * An /events item's leaf, recomputed: RFC 8785 canonical JSON of the leaf input, SHA-256(0x00 ‖ input).
 * Leaf format v2 (items with `leafVersion: 2`) commits to every string of `data` through a salted
 * hash, so a redacted string still counts by its commitment (docs/log.md).
 */
import canonicalize from 'canonicalize';
import { concat, fromBase64, hmacSha256, sha256, toBase64, utf8 } from './bytes.ts';

export interface EventItem {
  index: number;
  stream: string;
  revision: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  recordedAt: string;
  data: unknown;
  metadata: Record<string, unknown>;
  leafHash: string;
  leafVersion?: number;
  seed?: string;
  salts?: Record<string, string>;
  redacted?: Record<string, string>;
}

const pointer = (parts: string[]): string => parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** Salt of the string at `p`: from the seed while there is one, else as served in `salts`. */
async function saltAt(item: EventItem, p: string): Promise<Uint8Array> {
  if (item.seed !== undefined) {
    const seed = fromBase64(item.seed);
    if (seed === undefined) throw new Error('the seed is not base64');
    return hmacSha256(seed, utf8(p));
  }
  const salt = item.salts?.[p] === undefined ? undefined : fromBase64(item.salts[p]);
  if (salt === undefined) throw new Error(`no salt for ${p}`);
  return salt;
}

/** `data` with each string replaced by the base64 of SHA-256(0x02 ‖ salt ‖ UTF-8(string)). */
export async function committedData(item: EventItem, value: unknown = item.data, at: string[] = []): Promise<unknown> {
  const p = pointer(at);
  if (typeof value === 'string') return toBase64(await sha256(concat(new Uint8Array([0x02]), await saltAt(item, p), utf8(value))));
  if (value === null && item.redacted?.[p] !== undefined) return item.redacted[p];
  if (Array.isArray(value)) return Promise.all(value.map((v, i) => committedData(item, v, [...at, String(i)])));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await committedData(item, v, [...at, k]);
    return out;
  }
  return value;
}

export async function leafInputOf(item: EventItem): Promise<string> {
  const base = { index: item.index, stream: item.stream, revision: item.revision, eventId: item.eventId, type: item.type, schemaVersion: item.schemaVersion, recordedAt: item.recordedAt, metadata: item.metadata };
  const input = item.leafVersion === 2 ? { ...base, leafVersion: 2, data: await committedData(item) } : { ...base, data: item.data };
  const text = canonicalize(input);
  if (text === undefined) throw new Error('the event is not serialisable');
  return text;
}

/** The leaf hash recomputed from what the item says, never the `leafHash` it carries. */
export async function recomputeLeafHash(item: EventItem): Promise<Uint8Array> {
  return sha256(concat(new Uint8Array([0x00]), utf8(await leafInputOf(item))));
}
