/**
 * The server secret that keys the idempotency request hash kept in event metadata (docs/log.md,
 * "Leaf format v2 and redaction"). A plain hash of a request body is public in every event's metadata
 * and would confirm a guess of an erased value; an HMAC under this key confirms nothing to anyone
 * without it. Kept beside the log's signing key, created at first start with mode 0600.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSecretOnce } from './keys.ts';

export const REQUEST_HASH_KEY_FILE = 'request-hash-key';
const KEY_SIZE = 32;

/** Beside the log key: `<data dir>/request-hash-key` by default, or next to PALIMPSEST_LOG_KEY_FILE. */
export function requestHashKeyFile(logKeyFile: string): string {
  return path.join(path.dirname(logKeyFile), REQUEST_HASH_KEY_FILE);
}

/** 32 bytes, kept as one line of base64; created when the file does not exist. */
export function loadOrCreateRequestHashKey(file: string): Buffer {
  if (!fs.existsSync(file)) writeSecretOnce(file, `${randomBytes(KEY_SIZE).toString('base64')}\n`);
  const text = fs.readFileSync(file, 'utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_SIZE || key.toString('base64') !== text) {
    throw new Error(`request hash key ${file} is not ${KEY_SIZE} bytes of base64 on one line`);
  }
  return key;
}
