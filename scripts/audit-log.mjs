#!/usr/bin/env node
// A standalone auditor's check of a Palimpsest log, written from the documented algorithms only
// (C2SP signed notes, RFC 9162 §2.1, RFC 8785): it imports nothing from the project, so an auditor
// can read it in one sitting, or redo it in any language.
//
//   node scripts/audit-log.mjs save   <base-url> <checkpoint-file>      save today's checkpoint
//   node scripts/audit-log.mjs check  <base-url> <checkpoint-file> <verifier-key-file>
//        verifies the saved checkpoint's signature, the server's current checkpoint, a consistency
//        proof from the saved one to the current one, and inclusion proofs for a sample of events
//        (each event's leaf hash recomputed from its fields).
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (bytes) => sha256(Buffer.from([0]), bytes);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

/** RFC 8785 canonical JSON for the values an event holds (strings, finite numbers, booleans, null, arrays, objects). */
function canonical(v) {
  if (v === null || typeof v === 'boolean') return JSON.stringify(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('non-finite number');
    return JSON.stringify(v); // ECMAScript number serialisation is RFC 8785's
  }
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => {
    // RFC 8785 sorts by UTF-16 code units, which is what comparing JS strings does
    return a < b ? -1 : a > b ? 1 : 0;
  });
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
}

function eventLeaf(item) {
  const { index, stream, revision, eventId, type, schemaVersion, recordedAt, data, metadata } = item;
  return leafHash(Buffer.from(canonical({ index, stream, revision, eventId, type, schemaVersion, recordedAt, data, metadata }), 'utf8'));
}

/** Verifier key `<name>+<8 hex key hash>+<base64(0x01 ‖ Ed25519 key)>` as Go's note package writes it. */
function parseKey(text) {
  // The name has no '+', the hash is 8 hex digits, and the base64 key may itself contain '+'.
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(text.trim());
  if (!m) throw new Error('malformed verifier key');
  const [, name, hash, b64] = m;
  const raw = Buffer.from(b64, 'base64');
  if (raw[0] !== 1 || raw.length !== 33) throw new Error('not an Ed25519 verifier key');
  const pub = raw.subarray(1);
  const keyHash = sha256(Buffer.from(`${name}\n`), Buffer.from([1]), pub).subarray(0, 4);
  if (keyHash.toString('hex') !== hash) throw new Error('verifier key hash does not match the key');
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]);
  return { name, keyHash, key: createPublicKey({ key: der, format: 'der', type: 'spki' }) };
}

/** A C2SP checkpoint: body `<origin>\n<size>\n<root>\n`, blank line, `— <name> <base64(keyhash ‖ sig)>` lines. */
function openCheckpoint(text, key) {
  const cut = text.indexOf('\n\n');
  if (cut < 0) throw new Error('malformed note');
  const body = text.slice(0, cut + 1);
  const [origin, size, root] = body.split('\n');
  const ok = text.slice(cut + 2).split('\n').filter(Boolean).some((line) => {
    const m = /^— (\S+) (\S+)$/.exec(line);
    if (!m || m[1] !== key.name) return false;
    const sig = Buffer.from(m[2], 'base64');
    return sig.subarray(0, 4).equals(key.keyHash) && verify(null, Buffer.from(body, 'utf8'), key.key, sig.subarray(4));
  });
  if (!ok) throw new Error('no valid signature by the verifier key');
  if (origin !== key.name) throw new Error('origin is not the key name');
  return { size: Number(size), root: Buffer.from(root, 'base64') };
}

// RFC 9162 §2.1.3.2: verify an inclusion proof.
function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 && r.equals(root);
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
  const res = await fetch(new URL(path, base), { headers: process.env.PALIMPSEST_TOKEN ? { authorization: `Bearer ${process.env.PALIMPSEST_TOKEN}` } : {} });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return asText ? res.text() : res.json();
}

const b64 = (list) => list.map((h) => Buffer.from(h, 'base64'));
const [cmd, base, file, keyFile] = process.argv.slice(2);

if (cmd === 'save' && base && file) {
  writeFileSync(file, await get(base, '/log/checkpoint', true));
  console.log(`saved ${file}`);
} else if (cmd === 'check' && base && file && keyFile) {
  const key = parseKey(readFileSync(keyFile, 'utf8'));
  const old = openCheckpoint(readFileSync(file, 'utf8'), key);
  const now = openCheckpoint(await get(base, '/log/checkpoint', true), key);
  console.log(`saved checkpoint: size ${old.size}, signature ok; current: size ${now.size}, signature ok`);
  const cons = await get(base, `/log/proofs/consistency?from=${old.size}&to=${now.size}`);
  if (!verifyConsistency(old.size, now.size, old.root, now.root, b64(cons.hashes))) throw new Error('consistency proof FAILED: the log was rewritten');
  console.log(`consistency ${old.size} → ${now.size}: ok (the current log extends the saved one)`);
  const sample = [...new Set([0, Math.floor(now.size / 2), now.size - 1, old.size - 1])].filter((i) => i >= 0 && i < now.size);
  for (const i of sample) {
    const { items } = await get(base, `/events?from=${i}&limit=1`);
    const leaf = eventLeaf(items[0]);
    if (leaf.toString('base64') !== items[0].leafHash) throw new Error(`event ${i}: leaf hash does not match its fields`);
    const proof = await get(base, `/log/proofs/inclusion?index=${i}&treeSize=${now.size}`);
    if (!verifyInclusion(i, now.size, leaf, b64(proof.hashes), now.root)) throw new Error(`inclusion proof for event ${i} FAILED`);
    console.log(`event ${i} (${items[0].stream} @${items[0].revision}): leaf recomputed, included: ok`);
  }
  console.log('ok');
} else {
  console.error('usage: audit-log.mjs save <base-url> <file> | check <base-url> <file> <verifier-key-file>');
  process.exitCode = 2;
}
