/**
 * C2SP signed-note checkpoints verified with WebCrypto Ed25519 — the browser's half of the log's
 * contract (docs/log.md): `<origin>\n<size>\n<base64 root>\n\n— <origin> <base64(key hash ‖ sig)>\n`.
 */
import { concat, equalBytes, fromBase64, sha256, toHex, utf8 } from './bytes.ts';

export interface VerifiedCheckpoint {
  origin: string;
  size: number;
  root: Uint8Array;
  /** The note exactly as served, so it can be remembered and verified again later. */
  note: string;
}

export class VerifyError extends Error {
  override readonly name = 'VerifyError';
}

const fail = (why: string): never => {
  throw new VerifyError(why);
};

interface VerifierKey {
  name: string;
  keyHash: Uint8Array;
  publicKey: Uint8Array;
}

async function keyHashOf(name: string, publicKey: Uint8Array): Promise<Uint8Array> {
  return (await sha256(concat(utf8(`${name}\n`), new Uint8Array([0x01]), publicKey))).slice(0, 4);
}

/** `<name>+<8 hex key hash>+<base64(0x01 ‖ public key)>`, as Go's note package writes it. */
export async function parseVerifierKey(text: string): Promise<VerifierKey> {
  const t = text.trim();
  const first = t.indexOf('+');
  const second = t.indexOf('+', first + 1);
  if (first <= 0 || second < 0) fail('the verifier key is not <name>+<hash>+<key>');
  const name = t.slice(0, first);
  const hashHex = t.slice(first + 1, second);
  const blob = fromBase64(t.slice(second + 1)) ?? fail('the verifier key is not base64');
  if (blob.length !== 33 || blob[0] !== 0x01) fail('the verifier key is not an Ed25519 key');
  const publicKey = blob.slice(1);
  const keyHash = await keyHashOf(name, publicKey);
  if (toHex(keyHash) !== hashHex) fail('the verifier key hash does not match the key');
  return { name, keyHash, publicKey };
}

/** Verifies the checkpoint's signature by `verifierKey` and that its origin is the key's name. */
export async function verifyCheckpoint(note: string, verifierKey: string): Promise<VerifiedCheckpoint> {
  const key = await parseVerifierKey(verifierKey);
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) fail('the checkpoint is not a signed note');
  const text = note.slice(0, split + 1);
  const sigLines = note.slice(split + 2, -1).split('\n');
  const mine = sigLines.flatMap((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line);
    const blob = m?.[2] === undefined ? undefined : fromBase64(m[2]);
    if (m?.[1] !== key.name || blob === undefined || blob.length < 5 || !equalBytes(blob.slice(0, 4), key.keyHash)) return [];
    return [blob.slice(4)];
  });
  if (mine.length === 0) fail(`the checkpoint is not signed by ${key.name}`);
  const publicKey = await crypto.subtle.importKey('raw', key.publicKey as BufferSource, { name: 'Ed25519' }, false, ['verify']);
  for (const sig of mine) {
    const ok = sig.length === 64 && (await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, sig as BufferSource, utf8(text) as BufferSource));
    if (!ok) fail('the checkpoint signature does not verify');
  }
  const [origin, sizeText, rootText] = text.split('\n');
  if (origin !== key.name) fail(`the checkpoint origin ${JSON.stringify(origin)} is not the key's ${JSON.stringify(key.name)}`);
  if (sizeText === undefined || !/^(0|[1-9][0-9]{0,15})$/.test(sizeText)) fail('the checkpoint size is not a number');
  const root = (rootText === undefined ? undefined : fromBase64(rootText)) ?? fail('the checkpoint root is not base64');
  if (root.length !== 32) fail('the checkpoint root is not 32 bytes');
  return { origin: key.name, size: Number(sizeText), root, note };
}
