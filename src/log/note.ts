/**
 * C2SP signed notes (https://c2sp.org/signed-note), byte-compatible with Go's
 * golang.org/x/mod/sumdb/note: Ed25519 keys only, since that is all a checkpoint needs.
 */
import { createHash, createPublicKey, sign, verify, type KeyObject } from 'node:crypto';

export const ALG_ED25519 = 0x01;
const SIG_PREFIX = '\u2014 '; // "— ": EM DASH, space
const MAX_SIGNATURES = 100; // Go's limit; keeps a hostile note from costing unbounded verifications

export type NoteErrorCode = 'malformed-note' | 'malformed-key' | 'unknown-key' | 'bad-signature' | 'malformed-checkpoint' | 'origin-mismatch';

export class NoteError extends Error {
  override readonly name = 'NoteError';
  constructor(
    readonly code: NoteErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** What signs: a key name plus the private key and its derived public parts. */
export interface NoteSigner {
  origin: string;
  privateKey: KeyObject;
  keyHash: Buffer;
}

export interface NoteSignature {
  name: string;
  /** First 4 bytes of the signature blob: the key hash. */
  keyHash: Buffer;
  /** The rest: for Ed25519, the 64-byte signature. */
  signature: Buffer;
}

export interface ParsedNote {
  /** The signed text, ending in "\n". */
  text: string;
  signatures: NoteSignature[];
}

export interface VerifierKey {
  name: string;
  keyHash: Buffer;
  publicKey: Buffer;
  key: KeyObject;
}

/** Non-empty, no whitespace and no "+" (which separates the parts of a key). */
export function isValidKeyName(name: string): boolean {
  return name.length > 0 && !/[\s+]/u.test(name) && !hasForbiddenChars(name);
}

// Go rejects any control character but "\n", and U+FFFD since it marks invalid UTF-8.
function hasForbiddenChars(s: string): boolean {
  // With the u flag a well-formed surrogate pair is one code point, so only lone surrogates match.
  return /[\u0000-\u0009\u000b-\u001f\ufffd\ud800-\udfff]/u.test(s);
}

/** Base64 as Go's StdEncoding writes it: padded, nothing else tolerated (Buffer.from is lenient). */
export function decodeBase64Strict(s: string): Buffer | undefined {
  if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  const b = Buffer.from(s, 'base64');
  return b.toString('base64') === s ? b : undefined;
}

/** First 4 bytes of SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key). */
export function keyHashOf(name: string, publicKey: Buffer): Buffer {
  return createHash('sha256')
    .update(name, 'utf8')
    .update('\n')
    .update(Buffer.from([ALG_ED25519]))
    .update(publicKey)
    .digest()
    .subarray(0, 4);
}

/** `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`, as Go's note.NewEd25519VerifierKey writes it. */
export function verifierKeyText(name: string, publicKey: Buffer): string {
  if (!isValidKeyName(name)) throw new NoteError('malformed-key', `invalid key name ${JSON.stringify(name)}`);
  if (publicKey.length !== 32) throw new NoteError('malformed-key', 'an Ed25519 public key is 32 bytes');
  const blob = Buffer.concat([Buffer.from([ALG_ED25519]), publicKey]);
  return `${name}+${keyHashOf(name, publicKey).toString('hex')}+${blob.toString('base64')}`;
}

const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export function ed25519PublicKey(raw: Buffer): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_ED25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

export function parseVerifierKey(text: string): VerifierKey {
  const bad = (why: string): never => {
    throw new NoteError('malformed-key', `malformed verifier key: ${why}`);
  };
  // Only the first two "+" separate: base64 key data may contain more.
  const first = text.indexOf('+');
  const second = text.indexOf('+', first + 1);
  if (first < 0 || second < 0) bad('expected <name>+<hash>+<key>');
  const name = text.slice(0, first);
  const hashHex = text.slice(first + 1, second);
  const keyB64 = text.slice(second + 1);
  if (!isValidKeyName(name)) bad('invalid name');
  if (!/^[0-9a-f]{8}$/.test(hashHex)) bad('key hash is not 8 lowercase hex digits');
  const blob = decodeBase64Strict(keyB64) ?? bad('key is not base64');
  if (blob.length !== 33 || blob[0] !== ALG_ED25519) bad('not an Ed25519 key');
  const publicKey = blob.subarray(1);
  const keyHash = keyHashOf(name, publicKey);
  if (keyHash.toString('hex') !== hashHex) bad('key hash does not match the key');
  return { name, keyHash, publicKey, key: ed25519PublicKey(publicKey) };
}

/** Splits a note into text and signature lines without verifying anything. */
export function parseNote(note: string): ParsedNote {
  const bad = (why: string): never => {
    throw new NoteError('malformed-note', `malformed note: ${why}`);
  };
  if (hasForbiddenChars(note)) bad('control character or invalid UTF-8');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) bad('no blank line before the signatures');
  const text = note.slice(0, split + 1);
  const sigBlock = note.slice(split + 2);
  if (!sigBlock.endsWith('\n')) bad('signatures must end with a newline');
  const lines = sigBlock.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) bad('too many signatures');
  const signatures = lines.map((line): NoteSignature => {
    if (!line.startsWith(SIG_PREFIX)) bad(`unexpected line ${JSON.stringify(line)}`);
    const rest = line.slice(SIG_PREFIX.length);
    const space = rest.indexOf(' ');
    const name = rest.slice(0, space);
    if (space < 0 || !isValidKeyName(name)) bad('invalid signature name');
    const blob = decodeBase64Strict(rest.slice(space + 1)) ?? bad('signature is not base64');
    if (blob.length < 5) bad('signature too short');
    return { name, keyHash: blob.subarray(0, 4), signature: blob.subarray(4) };
  });
  return { text, signatures };
}

/** Signs `text` (which must end in "\n" and have no blank line) as one note with one signature. */
export function signNote(text: string, signer: NoteSigner): string {
  if (!text.endsWith('\n') || text.includes('\n\n') || hasForbiddenChars(text)) {
    throw new NoteError('malformed-note', 'note text must end with a newline and contain no blank line');
  }
  if (!isValidKeyName(signer.origin)) throw new NoteError('malformed-key', 'invalid key name');
  const sig = sign(null, Buffer.from(text, 'utf8'), signer.privateKey);
  const blob = Buffer.concat([signer.keyHash, sig]);
  return `${text}\n${SIG_PREFIX}${signer.origin} ${blob.toString('base64')}\n`;
}

/**
 * Verifies the note's signature(s) by `verifierKey` and returns its text. Signatures by other keys are
 * ignored, as in Go; a signature line that claims this key but does not verify is an error.
 */
export function verifyNote(note: string, verifierKey: string | VerifierKey): ParsedNote {
  const key = typeof verifierKey === 'string' ? parseVerifierKey(verifierKey) : verifierKey;
  const parsed = parseNote(note);
  const label = `${key.name}+${key.keyHash.toString('hex')}`;
  const mine = parsed.signatures.filter((s) => s.name === key.name && s.keyHash.equals(key.keyHash));
  if (mine.length === 0) {
    const names = parsed.signatures.map((s) => `${s.name}+${s.keyHash.toString('hex')}`).join(', ');
    throw new NoteError('unknown-key', `note is not signed by key ${label} (signed by ${names})`);
  }
  const message = Buffer.from(parsed.text, 'utf8');
  for (const s of mine) {
    if (s.signature.length !== 64 || !verify(null, message, key.key, s.signature)) {
      throw new NoteError('bad-signature', `invalid signature for key ${label}`);
    }
  }
  return parsed;
}
