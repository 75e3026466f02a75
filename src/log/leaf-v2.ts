/**
 * Leaf format v2 (docs/log.md, "Leaf format v2 and redaction"): the leaf commits to a salted
 * SHA-256 commitment of every string in `data` instead of the string itself, so a string can later be
 * erased from the store while the leaf hash, and every proof built on it, stays the same.
 * Pure: no I/O. Base64 is RFC 4648 §4 with padding, as everywhere in the log.
 */
import { hash, randomBytes } from 'node:crypto';
import { canonicalLeaf, leafHashOf, type LeafInput } from './leaf.ts';

export const LEAF_VERSION_2 = 2;
const SEED_SIZE = 32;
const COMMITMENT_TAG = Buffer.from([0x02]);

export type LeafV2ErrorCode = 'malformed-pointer' | 'not-a-string' | 'malformed-opening' | 'not-json';

export class LeafV2Error extends Error {
  override readonly name = 'LeafV2Error';
  constructor(readonly code: LeafV2ErrorCode, message: string) {
    super(message);
  }
}

/**
 * What opens the commitments of one event: the seed while nothing is erased; after a redaction, the
 * salt of each remaining string and the commitment of each erased one (both base64, keyed by pointer).
 */
export type Opening = { seed: Buffer } | RedactedOpening;
export interface RedactedOpening {
  salts: Record<string, string>;
  redacted: Record<string, string>;
}

export type LeafInputV2 = LeafInput & { leafVersion: typeof LEAF_VERSION_2 };

export function newSeed(): Buffer {
  return randomBytes(SEED_SIZE);
}

// ---- RFC 6901 JSON Pointers, relative to `data` --------------------------------------------------

const escapeToken = (t: string): string => (t.includes('~') || t.includes('/') ? t.replaceAll('~', '~0').replaceAll('/', '~1') : t);

export function pointerOf(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

/** The reference tokens of a pointer; '' is the whole document. */
export function parsePointer(p: string): string[] {
  if (p === '') return [];
  if (!p.startsWith('/')) throw new LeafV2Error('malformed-pointer', `${JSON.stringify(p)} is not a JSON Pointer (it must start with /)`);
  return p.slice(1).split('/').map((t) => {
    if (/~(?![01])/.test(t)) throw new LeafV2Error('malformed-pointer', `${JSON.stringify(p)}: ~ must be followed by 0 or 1`);
    return t.replaceAll('~1', '/').replaceAll('~0', '~');
  });
}

// ---- salts and commitments ---------------------------------------------------------------------

export function saltOf(seed: Buffer, pointer: string): Buffer {
  return saltsOf(seed)(pointer);
}

const HMAC_BLOCK = 64;

/**
 * HMAC-SHA256 keyed by one seed (RFC 2104), its two padded keys computed once: an event's strings
 * each take a salt from the same seed, and one-shot hashes cost far less than an Hmac object each.
 */
function saltsOf(seed: Buffer): (pointer: string) => Buffer {
  if (seed.length !== SEED_SIZE) throw new LeafV2Error('malformed-opening', `a seed is ${SEED_SIZE} bytes, not ${seed.length}`);
  const inner = Buffer.alloc(HMAC_BLOCK, 0x36);
  const outer = Buffer.alloc(HMAC_BLOCK, 0x5c);
  for (let i = 0; i < SEED_SIZE; i++) {
    inner[i] = seed[i]! ^ 0x36;
    outer[i] = seed[i]! ^ 0x5c;
  }
  return (pointer) => {
    const h = hash('sha256', Buffer.concat([inner, Buffer.from(pointer, 'utf8')]), 'buffer');
    return hash('sha256', Buffer.concat([outer, h]), 'buffer');
  };
}

/** SHA-256(0x02 ‖ salt ‖ UTF-8(value)). */
export function commitmentOf(salt: Buffer, value: string): Buffer {
  return hash('sha256', Buffer.concat([COMMITMENT_TAG, salt, Buffer.from(value, 'utf8')]), 'buffer');
}

/**
 * Rebuilds `v` bottom-up, calling `leaf` on every string and null with its pointer; numbers, booleans,
 * keys and structure are kept. Anything that is not JSON is refused, since it has no canonical form.
 */
function mapLeaves(v: unknown, at: string, leaf: (p: string, s: string | null) => unknown): unknown {
  if (typeof v === 'string' || v === null) return leaf(at, v);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new LeafV2Error('not-json', `${at || '/'}: non-finite number`);
    return v;
  }
  if (Array.isArray(v)) return v.map((x, i) => mapLeaves(x, `${at}/${i}`, leaf));
  if (typeof v === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(v))) {
    // fromEntries defines own properties, so a key "__proto__" stays a key instead of a prototype.
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, mapLeaves(x, `${at}/${escapeToken(k)}`, leaf)]));
  }
  throw new LeafV2Error('not-json', `${at || '/'}: not a JSON value`);
}

/** Every string in `data`, with its pointer, in document order. */
export function stringsOf(data: unknown): { pointer: string; value: string }[] {
  const out: { pointer: string; value: string }[] = [];
  mapLeaves(data, '', (pointer, s) => (s === null ? null : out.push({ pointer, value: s })));
  return out;
}

const b64 = (b: Buffer): string => b.toString('base64');

function decode32(text: unknown, what: string): Buffer {
  const buf = typeof text === 'string' ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  // Round-tripping rejects non-canonical base64 (missing padding, stray characters).
  if (buf.length !== 32 || b64(buf) !== text) throw new LeafV2Error('malformed-opening', `${what} is not 32 bytes of padded base64`);
  return buf;
}

/**
 * data′: every string replaced by the base64 of its commitment. With a redacted opening, an erased
 * string reads as null in `data` and its commitment comes from `redacted`; every salt and every
 * erased commitment must be used exactly once, so a served item cannot carry openings of its own
 * invention beside the data.
 */
export function committedData(data: unknown, opening: Opening): unknown {
  if ('seed' in opening) {
    const salt = saltsOf(opening.seed);
    return mapLeaves(data, '', (p, s) => (s === null ? null : b64(commitmentOf(salt(p), s))));
  }
  const unusedSalts = new Set(Object.keys(opening.salts));
  const unusedRedacted = new Set(Object.keys(opening.redacted));
  const out = mapLeaves(data, '', (p, s) => {
    if (s === null) {
      if (!Object.hasOwn(opening.redacted, p)) return null;
      unusedRedacted.delete(p);
      return b64(decode32(opening.redacted[p], `redacted ${p}`));
    }
    if (!Object.hasOwn(opening.salts, p)) throw new LeafV2Error('malformed-opening', `no salt for the string at ${p}`);
    unusedSalts.delete(p);
    return b64(commitmentOf(decode32(opening.salts[p], `salt of ${p}`), s));
  });
  const [salt] = unusedSalts;
  if (salt !== undefined) throw new LeafV2Error('malformed-opening', `salt for ${salt}, where data holds no string`);
  const [gone] = unusedRedacted;
  if (gone !== undefined) throw new LeafV2Error('malformed-opening', `${gone} is listed as redacted, but data holds no null there`);
  return out;
}

export function leafInputV2(fields: LeafInput, opening: Opening): LeafInputV2 {
  return { ...fields, leafVersion: LEAF_VERSION_2, data: committedData(fields.data, opening) };
}

/** SHA-256(0x00 ‖ RFC 8785(leaf input v2)); the same before and after any redaction. */
export function leafHashV2(fields: LeafInput, opening: Opening): Buffer {
  return leafHashOf(canonicalLeaf(leafInputV2(fields, opening)));
}

/**
 * Erases the strings at `paths` (pointers into data): they become null, their commitments move to
 * `redacted`, and every other string keeps its salt. Works on a seed opening or on one already
 * redacted (a second redaction of the same event). The seed is never part of the result.
 */
export function redact(data: unknown, opening: Opening, paths: readonly string[]): { data: unknown } & RedactedOpening {
  const erase = new Set(paths);
  for (const p of erase) parsePointer(p);
  const prior: RedactedOpening = 'seed' in opening ? { salts: {}, redacted: {} } : opening;
  const salts: Record<string, string> = {};
  const redacted: Record<string, string> = { ...prior.redacted };
  const out = mapLeaves(data, '', (p, s) => {
    if (s === null) return null;
    const salt = 'seed' in opening ? saltOf(opening.seed, p) : decode32(prior.salts[p], `salt of ${p}`);
    if (!erase.delete(p)) {
      salts[p] = b64(salt);
      return s;
    }
    redacted[p] = b64(commitmentOf(salt, s));
    return null;
  });
  const [missing] = erase;
  if (missing !== undefined) throw new LeafV2Error('not-a-string', `${missing} does not name a string in the event's data`);
  return { data: out, salts, redacted };
}

/** The pointers an opening lists as erased, sorted. */
export function redactedPaths(opening: Opening): string[] {
  return 'seed' in opening ? [] : Object.keys(opening.redacted).sort();
}

// ---- the served form (/events items and export lines) -------------------------------------------

export type ServedOpening = { leafVersion: typeof LEAF_VERSION_2; seed: string } | ({ leafVersion: typeof LEAF_VERSION_2 } & RedactedOpening);

/** The fields a v2 event adds to its /events item, beside the leaf-input fields. */
export function servedOpening(opening: Opening): ServedOpening {
  if ('seed' in opening) return { leafVersion: LEAF_VERSION_2, seed: b64(opening.seed) };
  return { leafVersion: LEAF_VERSION_2, salts: { ...opening.salts }, redacted: { ...opening.redacted } };
}

/**
 * A seed opening whose seed (base64) is decoded, and checked, when it is first read; an item whose
 * seed is malformed fails there, as openingOfItem would have. A class, so that a million of them
 * share one getter: `'seed' in opening` holds, but a spread of the opening itself would lose it.
 */
class LazySeed {
  readonly #text: string;
  #seed: Buffer | undefined;
  constructor(text: string) {
    this.#text = text;
  }
  get seed(): Buffer {
    return (this.#seed ??= decode32(this.#text, 'seed'));
  }
}

export function lazySeedOpening(seedText: string): { seed: Buffer } {
  return new LazySeed(seedText);
}

const isStringRecord = (v: unknown): v is Record<string, string> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

/**
 * The opening an /events item or export line carries: undefined for a v1 item (no `leafVersion`, or
 * 1). Throws LeafV2Error when the item is v2 but its opening is malformed; `committedData` checks
 * the opening against the data.
 */
export function openingOfItem(item: Record<string, unknown>): Opening | undefined {
  const { leafVersion, seed, salts, redacted } = item;
  if (leafVersion === undefined || leafVersion === 1) {
    if (seed !== undefined || salts !== undefined || redacted !== undefined) throw new LeafV2Error('malformed-opening', 'a v1 item carries no seed, salts or redacted');
    return undefined;
  }
  if (leafVersion !== LEAF_VERSION_2) throw new LeafV2Error('malformed-opening', `unknown leafVersion ${JSON.stringify(leafVersion)}`);
  if (seed !== undefined) {
    if (salts !== undefined || redacted !== undefined) throw new LeafV2Error('malformed-opening', 'an item has either a seed or salts and redacted, not both');
    return { seed: decode32(seed, 'seed') };
  }
  if (!isStringRecord(salts) || !isStringRecord(redacted)) throw new LeafV2Error('malformed-opening', 'a v2 item needs a seed, or salts and redacted');
  return { salts, redacted };
}
