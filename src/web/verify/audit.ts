/** The audit page's checks, without React: checkpoint, consistency from a remembered one, inclusion of an event. */
import type { PalimpsestClient } from '../../client/index.ts';
import { fromBase64 } from './bytes.ts';
import { recomputeLeafHash, type EventItem } from './leaf.ts';
import { verifyConsistency, verifyInclusion } from './merkle.ts';
import { VerifyError, verifyCheckpoint, type VerifiedCheckpoint } from './note.ts';

const hashes = (list: unknown): Uint8Array[] => {
  if (!Array.isArray(list)) throw new VerifyError('the proof has no hashes');
  return list.map((h) => (typeof h === 'string' ? fromBase64(h) : undefined) ?? (() => { throw new VerifyError('a proof hash is not base64'); })());
};

export async function latestCheckpoint(api: PalimpsestClient): Promise<VerifiedCheckpoint> {
  const [note, key] = await Promise.all([
    api.GET('/log/checkpoint', { parseAs: 'text' }),
    api.GET('/log/public-key', { parseAs: 'text' }),
  ]);
  if (typeof note.data !== 'string' || typeof key.data !== 'string') throw new VerifyError('the checkpoint or the public key could not be read');
  return verifyCheckpoint(note.data, key.data);
}

/** The remembered checkpoint is re-verified too: storage is not trusted to be what we wrote. */
export async function checkConsistency(api: PalimpsestClient, remembered: string, now: VerifiedCheckpoint): Promise<{ from: number; to: number }> {
  const key = await api.GET('/log/public-key', { parseAs: 'text' });
  if (typeof key.data !== 'string') throw new VerifyError('the public key could not be read');
  const old = await verifyCheckpoint(remembered, key.data);
  if (old.size > now.size) throw new VerifyError(`the log shrank from ${old.size} to ${now.size} leaves`);
  let proof: Uint8Array[] = [];
  if (old.size > 0 && old.size < now.size) {
    const res = await api.GET('/log/proofs/consistency', { params: { query: { from: old.size, to: now.size } } });
    proof = hashes((res.data as { hashes?: unknown } | undefined)?.hashes);
  }
  if (!(await verifyConsistency(old.size, now.size, old.root, now.root, proof))) {
    throw new VerifyError(`the log of ${now.size} leaves does not extend the remembered one of ${old.size}`);
  }
  return { from: old.size, to: now.size };
}

export interface InclusionResult {
  item: EventItem;
  leafHash: Uint8Array;
}

/** Reads event `index`, recomputes its leaf from its fields, and checks its audit path to the checkpoint's root. */
export async function checkInclusion(api: PalimpsestClient, index: number, cp: VerifiedCheckpoint): Promise<InclusionResult> {
  if (index >= cp.size) throw new VerifyError(`event ${index} is not in the checkpoint of ${cp.size} leaves`);
  const page = await api.GET('/events', { params: { query: { from: index, limit: 1 } } });
  const item = ((page.data as { items?: unknown[] } | undefined)?.items ?? [])[0] as EventItem | undefined;
  if (item === undefined || item.index !== index) throw new VerifyError(`event ${index} could not be read`);
  const leafHash = await recomputeLeafHash(item);
  const res = await api.GET('/log/proofs/inclusion', { params: { query: { index, treeSize: cp.size } } });
  const proof = hashes((res.data as { hashes?: unknown } | undefined)?.hashes);
  if (!(await verifyInclusion(leafHash, index, cp.size, proof, cp.root))) {
    throw new VerifyError(`event ${index} as served does not hash into the signed root`);
  }
  return { item, leafHash };
}
