#!/usr/bin/env node
// A standalone auditor's check of a Palimpsest log, written from the documented algorithms only
// (docs/log.md: C2SP signed notes, RFC 9162 §2.1, RFC 8785, leaf formats v1 and v2): it
// imports nothing from the project, so an auditor can read it in one sitting, or redo it in any language.
//
//   node scripts/audit-log.mjs save    <base-url> <checkpoint-file>
//        saves today's checkpoint.
//   node scripts/audit-log.mjs check   <base-url> <checkpoint-file> <verifier-key-file> [--full]
//        verifies both checkpoints' signatures; recomputes the leaf of every event not verified
//        before (v1, v2, and redacted v2 events, which it reports) and holds the tree of all of them
//        against the current signed root; then the consistency proof from the saved checkpoint.
//        What it verified is kept in <checkpoint-file>.state (the index it verified up to, and the
//        RFC 9162 compact range of those leaves), so the next check fetches only newer events;
//        --full starts again from index 0.
//   node scripts/audit-log.mjs monitor <base-url> <checkpoint-file> <verifier-key-file> --interval N [--rounds R]
//        repeats check every N seconds; exits 1 at the first failure (after R rounds: 0).
// Environment: PALIMPSEST_TOKEN, a bearer token when the server asks for one.
import { createHash, createHmac, createPublicKey, verify } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (bytes) => sha256(Buffer.from([0]), bytes);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

class Failed extends Error {}
const fail = (why) => {
  throw new Failed(why);
};

/** RFC 8785 canonical JSON for the values an event holds (strings, finite numbers, booleans, null, arrays, objects). */
function canonical(v) {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Failed('non-finite number in an event');
    return JSON.stringify(v); // ECMAScript number serialisation is RFC 8785's
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  // RFC 8785 sorts keys by UTF-16 code units, which is what comparing JS strings does.
  const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}

function b64of32(text, what) {
  const buf = typeof text === 'string' ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (buf.length !== 32 || buf.toString('base64') !== text) throw new Failed(`${what} is not 32 bytes of base64`);
  return buf;
}

// Leaf format v2: every string in data at JSON Pointer p (RFC 6901) becomes base64 of
// SHA-256(0x02 ‖ salt ‖ UTF-8(string)), salt = HMAC-SHA256(seed, UTF-8(p)) or, once redacted, the
// served salts[p]; an erased string is null in data and its commitment is served in redacted[p].
function committed(item) {
  const seed = item.seed === undefined ? undefined : b64of32(item.seed, 'seed');
  const salts = item.salts ?? {};
  const redacted = item.redacted ?? {};
  if (seed !== undefined && (item.salts !== undefined || item.redacted !== undefined)) throw new Failed('both a seed and salts');
  if (seed === undefined && (typeof salts !== 'object' || typeof redacted !== 'object')) throw new Failed('neither a seed nor salts');
  const used = new Set();
  const walk = (v, p) => {
    if (typeof v === 'string') {
      if (seed === undefined && !Object.hasOwn(salts, p)) throw new Failed(`no salt for the string at ${p}`);
      used.add(`s${p}`);
      const salt = seed === undefined ? b64of32(salts[p], `salt of ${p}`) : createHmac('sha256', seed).update(p, 'utf8').digest();
      return sha256(Buffer.from([2]), salt, Buffer.from(v, 'utf8')).toString('base64');
    }
    if (v === null) {
      if (!Object.hasOwn(redacted, p)) return null;
      used.add(`r${p}`);
      return b64of32(redacted[p], `commitment of ${p}`).toString('base64');
    }
    const esc = (k) => String(k).replaceAll('~', '~0').replaceAll('/', '~1');
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${p}/${i}`));
    if (typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, `${p}/${esc(k)}`)]));
    return v;
  };
  const data = walk(item.data, '');
  for (const p of Object.keys(salts)) if (!used.has(`s${p}`)) throw new Failed(`a salt for ${p}, where data holds no string`);
  for (const p of Object.keys(redacted)) if (!used.has(`r${p}`)) throw new Failed(`${p} is listed as redacted, but data holds no null there`);
  return data;
}

/** The leaf hash recomputed from an /events item, and which leaf format it has. */
function eventLeaf(item) {
  const { index, stream, revision, eventId, type, schemaVersion, recordedAt, data, metadata, leafVersion } = item;
  if (leafVersion === undefined || leafVersion === 1) {
    return { version: 1, hash: leafHash(Buffer.from(canonical({ index, stream, revision, eventId, type, schemaVersion, recordedAt, data, metadata }), 'utf8')) };
  }
  if (leafVersion !== 2) throw new Failed(`unknown leafVersion ${JSON.stringify(leafVersion)}`);
  const input = { index, stream, revision, eventId, type, schemaVersion, recordedAt, leafVersion: 2, data: committed(item), metadata };
  return { version: 2, hash: leafHash(Buffer.from(canonical(input), 'utf8')), redacted: Object.keys(item.redacted ?? {}).sort() };
}

/** Verifier key `<name>+<8 hex key hash>+<base64(0x01 ‖ Ed25519 key)>` as Go's note package writes it. */
function parseKey(text) {
  // The name has no '+', the hash is 8 hex digits, and the base64 key may itself contain '+'.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text.trim());
  if (!m) throw new Failed('malformed verifier key');
  const [, name, hash, b64] = m;
  const raw = Buffer.from(b64, 'base64');
  if (raw[0] !== 1 || raw.length !== 33) throw new Failed('not an Ed25519 verifier key');
  const pub = raw.subarray(1);
  const keyHash = sha256(Buffer.from(`${name}\n`), Buffer.from([1]), pub).subarray(0, 4);
  if (keyHash.toString('hex') !== hash) throw new Failed('verifier key hash does not match the key');
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]);
  return { name, keyHash, key: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
}

/** A C2SP checkpoint: body `<origin>\n<size>\n<root>\n`, blank line, `— <name> <base64(keyhash ‖ sig)>` lines. */
function openCheckpoint(text, key, what) {
  const cut = text.indexOf('\n\n');
  if (cut < 0) throw new Failed(`${what}: malformed note`);
  const body = text.slice(0, cut + 1);
  const [origin, size, root] = body.split('\n');
  const ok = text.slice(cut + 2).split('\n').filter(Boolean).some((line) => {
    const m = /^— (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== key.name) return false;
    const sig = Buffer.from(m[2], 'base64');
    return sig.subarray(0, 4).equals(key.keyHash) && verify(null, Buffer.from(body, 'utf8'), key.key, sig.subarray(4));
  });
  if (!ok) throw new Failed(`${what}: no valid signature by the verifier key`);
  if (origin !== key.name) throw new Failed(`${what}: origin is not the key name`);
  if (!/^(0|[1-9][0-9]*)$/.test(size ?? '')) throw new Failed(`${what}: size is not a number`);
  return { size: Number(size), root: b64of32(root, `${what}: root`) };
}

/**
 * RFC 9162 compact range of the first `size` leaves: the roots of its perfect subtrees, left to
 * right. Appending is a binary carry; the root folds them from the right (MTH splits at the largest
 * power of two), so a tree of any size needs only these ~log2(size) hashes kept.
 */
class CompactRange {
  constructor(size = 0, hashes = []) {
    this.size = size;
    this.hashes = hashes;
  }
  append(leaf) {
    this.hashes.push(leaf);
    for (let s = this.size; s % 2 === 1; s = Math.floor(s / 2)) {
      const right = this.hashes.pop();
      this.hashes.push(nodeHash(this.hashes.pop(), right));
    }
    this.size++;
  }
  root() {
    if (this.hashes.length === 0) return sha256();
    return this.hashes.slice(0, -1).reduceRight((acc, h) => nodeHash(h, acc), this.hashes.at(-1));
  }
  copy() {
    return new CompactRange(this.size, [...this.hashes]);
  }
}

// RFC 9162 §2.1.4.2: verify a consistency proof between two tree heads.
function verifyConsistency(m, n, rootM, rootN, proof) {
  if (m === n) return proof.length === 0 && rootM.equals(rootN);
  if (m < 1 || m > n || proof.length === 0) return false;
  const path = (m & (m - 1)) === 0 ? [rootM, ...proof] : proof;
  let fn = m - 1, sn = n - 1;
  while (fn % 2 === 1) { fn >>= 1; sn >>= 1; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 && fr.equals(rootM) && sr.equals(rootN);
}

async function get(base, path, asText = false) {
  const headers = process.env.PALIMPSEST_TOKEN ? { authorization: `Bearer ${process.env.PALIMPSEST_TOKEN}` } : {};
  let res;
  try {
    res = await fetch(new URL(path, base), { headers });
  } catch (err) {
    throw new Failed(`${path}: ${err.cause?.message ?? err.message}`);
  }
  if (!res.ok) throw new Failed(`${path}: HTTP ${res.status}`);
  if (asText) return res.text();
  try {
    return await res.json();
  } catch {
    throw new Failed(`${path}: the answer is not JSON`);
  }
}

function readText(file, what) {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new Failed(`cannot read the ${what} ${file}: ${err.code ?? err.message}`);
  }
}

/** What this auditor verified before: every leaf below `verifiedUpTo`, whose compact range is `frontier`. */
function loadState(file) {
  if (!existsSync(file)) return new CompactRange();
  let o;
  try {
    o = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    throw new Failed(`state file ${file} is not JSON (delete it to verify again from index 0)`);
  }
  const n = o?.verifiedUpTo;
  const ones = Number.isSafeInteger(n) && n >= 0 ? n.toString(2).replaceAll('0', '').length : -1;
  if (ones < 0 || !Array.isArray(o.frontier) || o.frontier.length !== ones) throw new Failed(`state file ${file} is damaged (delete it to verify again from index 0)`);
  return new CompactRange(n, o.frontier.map((h) => b64of32(h, `state file ${file}: a frontier hash`)));
}

function saveState(file, range, now) {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ verifiedUpTo: range.size, root: now.root.toString('base64'), frontier: range.hashes.map((h) => h.toString('base64')) }, null, 1)}\n`);
  renameSync(tmp, file);
}

const where = (item) => `event ${item.index} (${item.stream} @${item.revision})`;

async function check(base, file, keyFile, { full = false } = {}) {
  const key = parseKey(readText(keyFile, 'verifier key file'));
  const saved = openCheckpoint(readText(file, 'checkpoint file'), key, 'saved checkpoint');
  const stateFile = `${file}.state`;
  const before = full ? new CompactRange() : loadState(stateFile);
  const now = openCheckpoint(await get(base, '/log/checkpoint', true), key, 'current checkpoint');
  console.log(`saved checkpoint: size ${saved.size}, signature ok; current: size ${now.size}, signature ok`);

  if (before.size > now.size) fail(`the log has ${now.size} leaves, but ${before.size} were verified before: the log lost entries`);
  const range = before.copy();
  const leaves = [];
  const counts = { 1: 0, 2: 0, redacted: 0 };
  const recorded = new Map();
  const erased = [];
  while (range.size < now.size) {
    const { items } = await get(base, `/events?from=${range.size}&limit=${Math.min(1000, now.size - range.size)}`);
    if (!Array.isArray(items) || items.length === 0) fail(`/events?from=${range.size} returned no events, the checkpoint has ${now.size}`);
    for (const item of items.slice(0, now.size - range.size)) {
      if (item.index !== range.size) fail(`/events returned index ${item.index} where ${range.size} was expected`);
      let leaf;
      try {
        leaf = eventLeaf(item);
      } catch (err) {
        fail(`${where(item)}: its leaf cannot be recomputed: ${err.message}`);
      }
      if (leaf.hash.toString('base64') !== item.leafHash) {
        fail(`${where(item)}: leaf hash ${item.leafHash} served, ${leaf.hash.toString('base64')} recomputed from its fields`);
      }
      counts[leaf.version]++;
      noteRedaction(recorded, item);
      if (leaf.redacted?.length) {
        counts.redacted++;
        erased.push({ item, paths: leaf.redacted });
        console.log(`${where(item)}: redacted ${leaf.redacted.join(', ')}; leaf recomputed from the commitments: ok`);
      }
      range.append(leaf.hash);
      leaves.push(leaf.hash);
    }
  }
  if (leaves.length === 0) console.log(`no new leaves: every leaf below ${range.size} was verified before`);
  else {
    console.log(`leaves ${before.size}–${range.size - 1}: ${leaves.length} recomputed from their events (${counts[1]} v1, ${counts[2]} v2, ${counts.redacted} of them redacted)`);
  }
  if (!range.root().equals(now.root)) await nameTheLeaf(base, key, before, leaves, now);
  console.log(`root of the ${now.size} leaves: the signed root, ok`);

  await checkRecorded(base, erased, recorded, now.size);

  if (saved.size > now.size) fail(`consistency proof FAILED: the saved checkpoint has ${saved.size} leaves, the log ${now.size}`);
  if (saved.size > 0) {
    const cons = await get(base, `/log/proofs/consistency?from=${saved.size}&to=${now.size}`);
    const hashes = (cons.hashes ?? []).map((h, i) => b64of32(h, `consistency hash ${i}`));
    if (!verifyConsistency(saved.size, now.size, saved.root, now.root, hashes)) fail('consistency proof FAILED: the log was rewritten');
    console.log(`consistency ${saved.size} → ${now.size}: ok (the current log extends the saved one)`);
  }
  saveState(stateFile, range, now);
  console.log('ok');
}

/** A FieldsRedacted event names where an erasure happened: {target: {index, stream, revision, eventId}, paths, reason}. */
function noteRedaction(recorded, item) {
  if (item.type !== 'FieldsRedacted' || item.stream !== 'redactions') return;
  const { target, paths } = item.data ?? {};
  if (typeof target?.index !== 'number' || !Array.isArray(paths)) return;
  const id = `${target.index} ${target.stream} ${target.revision} ${target.eventId}`;
  const known = recorded.get(id) ?? new Set();
  for (const p of paths) if (typeof p === 'string') known.add(p);
  recorded.set(id, known);
}

/**
 * An erasure changes no leaf, so the proofs cannot tell a recorded one from one done behind the
 * log's back: every erased path must be named by a FieldsRedacted event. That event comes after its
 * target, so it is among the events just checked, or appended since the checkpoint was fetched.
 */
async function checkRecorded(base, erased, recorded, from) {
  const missing = () => erased.filter(({ item, paths }) => {
    const known = recorded.get(`${item.index} ${item.stream} ${item.revision} ${item.eventId}`);
    return paths.some((p) => !known?.has(p));
  });
  for (let next = from; missing().length > 0 && next !== null;) {
    const page = await get(base, `/events?from=${next}&limit=1000`);
    for (const item of page.items ?? []) noteRedaction(recorded, item);
    next = typeof page.nextFrom === 'number' && page.nextFrom > next ? page.nextFrom : null;
  }
  const [first] = missing();
  if (first) fail(`${where(first.item)}: ${first.paths.join(', ')} erased, but no FieldsRedacted event names them: an erasure the log does not record`);
  if (erased.length > 0) console.log(`${erased.length} redacted events, each erasure recorded by a FieldsRedacted event: ok`);
}

/**
 * The served events do not give the signed root: find the first leaf that breaks it by bisecting on
 * signed checkpoints of prefixes (`/log/checkpoint?size=m`), each compared with the root of our own
 * first m recomputed leaves. A prefix matches only if all its leaves do, so the search is binary.
 */
async function nameTheLeaf(base, key, before, leaves, now) {
  if (before.size > 0) {
    const then = openCheckpoint(await get(base, `/log/checkpoint?size=${before.size}`, true), key, `checkpoint of size ${before.size}`);
    if (!then.root.equals(before.root())) {
      fail(`the log's tree no longer holds the ${before.size} leaves verified before: an event below index ${before.size} was rewritten since`);
    }
  }
  const prefixRoot = (m) => {
    const r = before.copy();
    for (const leaf of leaves.slice(0, m - before.size)) r.append(leaf);
    return r.root();
  };
  let lo = before.size + 1, hi = now.size;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    const signed = openCheckpoint(await get(base, `/log/checkpoint?size=${mid}`, true), key, `checkpoint of size ${mid}`);
    if (signed.root.equals(prefixRoot(mid))) lo = mid + 1;
    else hi = mid;
  }
  const { items } = await get(base, `/events?from=${lo - 1}&limit=1`);
  fail(`${items?.[0] ? where(items[0]) : `event ${lo - 1}`}: the log's signed tree does not hold this event as served (the first leaf that breaks the signed root)`);
}

async function main(argv) {
  const flags = {};
  const args = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--full') flags.full = true;
    else if (argv[i] === '--interval' || argv[i] === '--rounds') {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Failed(`${argv[i - 1]} needs a positive number`);
      flags[argv[i - 1].slice(2)] = v;
    } else args.push(argv[i]);
  }
  const [cmd, base, file, keyFile] = args;
  if (cmd === 'save' && base && file && args.length === 3) {
    writeFileSync(file, await get(base, '/log/checkpoint', true));
    console.log(`saved ${file}`);
  } else if (cmd === 'check' && base && file && keyFile && args.length === 4) {
    await check(base, file, keyFile, flags);
  } else if (cmd === 'monitor' && base && file && keyFile && args.length === 4 && flags.interval) {
    for (let round = 1; ; round++) {
      console.log(`— round ${round}, ${new Date().toISOString()}`);
      await check(base, file, keyFile, round === 1 ? flags : {});
      if (flags.rounds !== undefined && round >= flags.rounds) return;
      await new Promise((resolve) => setTimeout(resolve, flags.interval * 1000));
    }
  } else {
    console.error('usage: audit-log.mjs save <base-url> <checkpoint-file>\n' +
      '       audit-log.mjs check <base-url> <checkpoint-file> <verifier-key-file> [--full]\n' +
      '       audit-log.mjs monitor <base-url> <checkpoint-file> <verifier-key-file> --interval <seconds> [--rounds <n>]');
    process.exitCode = 2;
  }
}

try {
  await main(process.argv.slice(2));
} catch (err) {
  // A failed check, or a missing or malformed file, is one line; anything else is a bug worth its stack.
  if (!(err instanceof Failed)) throw err;
  console.error(`audit-log: ${err.message}`);
  process.exitCode = 1;
}
