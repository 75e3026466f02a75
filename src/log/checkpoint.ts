/**
 * C2SP checkpoints (https://c2sp.org/tlog-checkpoint) as signed notes:
 * `<origin>\n<size>\n<base64 root>\n` [extension lines], blank line, `— <origin> <base64 sig>\n`.
 */
import type { SigningKey } from './keys.ts';
import { NoteError, decodeBase64Strict, parseNote, parseVerifierKey, signNote, verifyNote, type NoteSignature } from './note.ts';

export { verifierKeyText } from './note.ts';

export interface Checkpoint {
  origin: string;
  size: bigint;
  root: Buffer;
}

export interface ParsedCheckpoint extends Checkpoint {
  /** Lines after the root, which the spec lets logs add; kept but not interpreted. */
  extensions: string[];
  signatures: NoteSignature[];
}

export function signCheckpoint(key: SigningKey, size: number | bigint, root: Buffer): string {
  const n = BigInt(size);
  if (n < 0n || n >= 2n ** 64n) throw new RangeError(`checkpoint size ${n} out of range`);
  if (root.length !== 32) throw new RangeError('a checkpoint root is 32 bytes');
  return signNote(`${key.origin}\n${n}\n${root.toString('base64')}\n`, key);
}

function parseBody(text: string): Checkpoint & { extensions: string[] } {
  const bad = (why: string): never => {
    throw new NoteError('malformed-checkpoint', `malformed checkpoint: ${why}`);
  };
  const lines = text.split('\n').slice(0, -1); // the text ends with "\n"
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (origin === undefined || origin === '') bad('missing origin');
  if (sizeText === undefined || !/^(0|[1-9][0-9]{0,19})$/.test(sizeText)) bad('size is not a decimal number');
  const size = BigInt(sizeText as string);
  if (size >= 2n ** 64n) bad('size too large');
  const root = rootText === undefined ? undefined : decodeBase64Strict(rootText);
  if (root?.length !== 32) bad('root is not 32 bytes of base64');
  return { origin: origin as string, size, root: root as Buffer, extensions };
}

/** Reads a checkpoint without verifying its signatures. */
export function parseCheckpoint(text: string): ParsedCheckpoint {
  const note = parseNote(text);
  return { ...parseBody(note.text), signatures: note.signatures };
}

/**
 * Verifies the signature by `verifierKey` and that the checkpoint's origin is the key's name, so a
 * checkpoint of another log signed with a key of the same name cannot pass as this log's.
 * Throws NoteError (code malformed-note, malformed-key, unknown-key, bad-signature, malformed-checkpoint,
 * origin-mismatch).
 */
export function verifyCheckpoint(text: string, verifierKey: string): Checkpoint {
  const key = parseVerifierKey(verifierKey);
  const note = verifyNote(text, key);
  const { origin, size, root } = parseBody(note.text);
  if (origin !== key.name) {
    throw new NoteError('origin-mismatch', `checkpoint origin ${JSON.stringify(origin)} is not the key's ${JSON.stringify(key.name)}`);
  }
  return { origin, size, root };
}
