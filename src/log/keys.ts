/**
 * The log's Ed25519 signing key: one PKCS#8 PEM file (PALIMPSEST_LOG_KEY_FILE), created at first start.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { NoteError, isValidKeyName, keyHashOf, verifierKeyText } from './note.ts';

export interface SigningKey {
  origin: string;
  privateKey: KeyObject;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Buffer;
  /** First 4 bytes of SHA-256(origin ‖ "\n" ‖ 0x01 ‖ public key). */
  keyHash: Buffer;
  /** `<origin>+<8 hex key hash>+<base64(0x01 ‖ public key)>`. */
  verifierKey: string;
}

export function signingKeyFrom(privateKey: KeyObject, origin: string): SigningKey {
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`log signing key must be Ed25519, not ${privateKey.asymmetricKeyType ?? privateKey.type}`);
  }
  if (!isValidKeyName(origin)) throw new NoteError('malformed-key', `invalid log origin ${JSON.stringify(origin)}`);
  // The SPKI DER of an Ed25519 key is a fixed 12-byte header followed by the raw key.
  const publicKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
  return { origin, privateKey, publicKey, keyHash: keyHashOf(origin, publicKey), verifierKey: verifierKeyText(origin, publicKey) };
}

const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** From a raw 32-byte seed, the form Go's note package keeps in "PRIVATE+KEY+…" signer keys. */
export function signingKeyFromSeed(seed: Buffer, origin: string): SigningKey {
  if (seed.length !== 32) throw new RangeError('an Ed25519 seed is 32 bytes');
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, seed]);
  return signingKeyFrom(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), origin);
}

export function loadSigningKey(file: string, origin: string): SigningKey {
  const pem = fs.readFileSync(file, 'utf8');
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch (err) {
    throw new Error(`log signing key ${file} is not a PKCS#8 PEM private key`, { cause: err });
  }
  return signingKeyFrom(key, origin);
}

/**
 * Loads the key, or creates it with mode 0600 (and its directory) when the file does not exist. An
 * existing file is loaded whatever its mode: refusing it would stop the log, and the operator chose it.
 */
export function loadOrCreateSigningKey(file: string, origin: string): SigningKey {
  if (!isValidKeyName(origin)) throw new NoteError('malformed-key', `invalid log origin ${JSON.stringify(origin)}`);
  if (fs.existsSync(file)) return loadSigningKey(file, origin);
  const { privateKey } = generateKeyPairSync('ed25519');
  writeSecretOnce(file, privateKey.export({ format: 'pem', type: 'pkcs8' }).toString());
  return loadSigningKey(file, origin);
}

/**
 * Creates a secret file with mode 0600 (and its directory) unless it exists. Written whole under a
 * temporary name, then linked into place: a crash never leaves a half-written secret, and link
 * fails rather than overwrite when another process created the file meanwhile (its content wins).
 */
export function writeSecretOnce(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.linkSync(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
