import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { Command } from 'commander';
import { loadConfig, type Config } from '../../config.ts';
import { parseCheckpoint, verifyCheckpoint } from '../../log/checkpoint.ts';
import { eventLeafHash } from '../../log/leaf.ts';
import { openingOfItem, type Opening } from '../../log/leaf-v2.ts';
import { MerkleLog } from '../../log/merkle.ts';
import type { EventMetadata } from '../../store/port.ts';
import type { ImportedEvent } from '../../store/port.ts';
import { progress } from '../progress.ts';
import { PAGE, Refused, withStore, action, where } from './common.ts';

interface ParsedLine {
  event: ImportedEvent;
  leafHash: Buffer;
}

function parseLine(line: string, lineNo: number): Record<string, unknown> {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new Refused(`line ${lineNo} is not JSON`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Refused(`line ${lineNo} is not a JSON object`);
  return o as Record<string, unknown>;
}

function parseEventLine(o: Record<string, unknown>, lineNo: number): ParsedLine {
  const bad = (field: string): never => {
    throw new Refused(`line ${lineNo}: missing or malformed ${field}`);
  };
  if (!Number.isSafeInteger(o.index) || (o.index as number) < 0) bad('index');
  if (typeof o.stream !== 'string') bad('stream');
  if (!Number.isSafeInteger(o.revision) || (o.revision as number) < 0) bad('revision');
  if (typeof o.eventId !== 'string') bad('eventId');
  if (typeof o.type !== 'string') bad('type');
  if (!Number.isSafeInteger(o.schemaVersion)) bad('schemaVersion');
  if (typeof o.recordedAt !== 'string') bad('recordedAt');
  if (!('data' in o)) bad('data');
  if (typeof o.metadata !== 'object' || o.metadata === null) bad('metadata');
  if (typeof o.leafHash !== 'string') bad('leafHash');
  const leafHash = Buffer.from(o.leafHash as string, 'base64');
  if (leafHash.length !== 32) bad('leafHash');
  let opening: Opening | undefined;
  try {
    opening = openingOfItem(o);
  } catch (err) {
    throw new Refused(`line ${lineNo}: ${(err as Error).message}`);
  }
  return {
    event: {
      index: BigInt(o.index as number), stream: o.stream as string, revision: BigInt(o.revision as number), eventId: o.eventId as string,
      type: o.type as string, schemaVersion: o.schemaVersion as number, recordedAt: o.recordedAt as string, data: o.data,
      metadata: o.metadata as EventMetadata,
      ...(opening ? { opening } : {}),
    },
    leafHash,
  };
}

/**
 * Reads an export: every event line checked (dense indexes, each stream's revisions in order,
 * recordedAt never decreasing, the line's leaf hash equal to the one recomputed from its fields),
 * then the checkpoint line. `onBatch` receives the checked events in batches, in order.
 */
async function readExport(
  file: string,
  onBatch: (events: ImportedEvent[]) => Promise<void>,
  bar: { update(n: number): void },
  recompute = true,
): Promise<{ tree: MerkleLog; checkpoint: string }> {
  const tree = new MerkleLog();
  const heads = new Map<string, bigint>();
  let checkpoint: string | undefined;
  let lastRecordedAt = '';
  let batch: ImportedEvent[] = [];
  let lineNo = 0;
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    lineNo++;
    if (line === '') continue;
    if (checkpoint !== undefined) throw new Refused(`line ${lineNo}: content after the checkpoint line`);
    const o = parseLine(line, lineNo);
    if ('checkpoint' in o && !('index' in o)) {
      if (typeof o.checkpoint !== 'string') throw new Refused(`line ${lineNo}: the checkpoint is not a string`);
      checkpoint = o.checkpoint;
      continue;
    }
    const { event: e, leafHash } = parseEventLine(o, lineNo);
    if (e.index !== BigInt(tree.size)) throw new Refused(`line ${lineNo}: ${where(e)}, expected index ${tree.size} (an export is the whole log, in order)`);
    const head = heads.get(e.stream) ?? -1n;
    if (e.revision !== head + 1n) throw new Refused(`${where(e)}: expected revision ${head + 1n} of that stream`);
    if (e.recordedAt < lastRecordedAt) throw new Refused(`${where(e)}: recordedAt ${e.recordedAt} is before the previous event's ${lastRecordedAt}`);
    let recomputed = leafHash;
    try {
      if (recompute) recomputed = eventLeafHash(e);
    } catch (err) {
      throw new Refused(`${where(e)}: leaf cannot be computed: ${(err as Error).message}`);
    }
    if (!recomputed.equals(leafHash)) {
      throw new Refused(`${where(e)}: leaf hash ${leafHash.toString('base64')} in the file, ${recomputed.toString('base64')} recomputed from its fields`);
    }
    heads.set(e.stream, e.revision);
    lastRecordedAt = e.recordedAt;
    tree.append(recomputed);
    batch.push({ ...e, leafHash: recomputed });
    if (batch.length >= PAGE) {
      await onBatch(batch);
      batch = [];
      bar.update(tree.size);
    }
  }
  if (batch.length > 0) await onBatch(batch);
  bar.update(tree.size);
  if (checkpoint === undefined) throw new Refused('the file has no checkpoint line: it is not a complete export');
  return { tree, checkpoint };
}

/** The file's root must be the checkpoint's, for the checkpoint's size, which must be the whole file. */
function checkExportRoot(tree: MerkleLog, checkpoint: string, verifierKey: string | undefined): void {
  let cp;
  try {
    cp = verifierKey === undefined ? parseCheckpoint(checkpoint) : verifyCheckpoint(checkpoint, verifierKey);
  } catch (err) {
    throw new Refused(`checkpoint rejected: ${(err as Error).message}`);
  }
  if (cp.size !== BigInt(tree.size)) throw new Refused(`the checkpoint covers ${cp.size} events, the file holds ${tree.size}`);
  const root = tree.root();
  if (!root.equals(cp.root)) throw new Refused(`root mismatch: the events hash to ${root.toString('base64')}, the checkpoint says ${cp.root.toString('base64')}`);
}

export async function importLog(config: Config, file: string, keyFile: string | undefined): Promise<number> {
  const verifierKey = keyFile === undefined ? undefined : fs.readFileSync(keyFile, 'utf8').trim();
  if (!fs.existsSync(file)) throw new Refused(`no such file: ${file}`);
  return withStore(config, async (store) => {
    const importEvents = store.importEvents?.bind(store);
    if (importEvents === undefined) {
      throw new Refused(`import is not supported on ${store.kind}: its store assigns recordedAt itself, so imported leaves could not keep their hashes`);
    }
    const size = await store.size();
    if (size > 0n) throw new Refused(`the store already holds ${size} events; import only into an empty store`);
    // First pass: the whole file is checked before anything is written, so a refused import leaves
    // the store empty rather than holding half a log.
    const checkBar = progress('import: checking', undefined);
    const checked = await readExport(file, async () => {}, checkBar);
    checkBar.done();
    checkExportRoot(checked.tree, checked.checkpoint, verifierKey);

    const writeBar = progress('import: writing', checked.tree.size);
    // importEvents recomputes every leaf and refuses one that differs from the line's, so this pass
    // does not hash again; its tree of the lines' hashes is then the tree of what was stored.
    const written = await readExport(file, importEvents, writeBar, false);
    writeBar.done();
    if (!written.tree.root().equals(checked.tree.root()) || written.checkpoint !== checked.checkpoint) {
      throw new Refused('the file changed while it was being imported; check the store with `palimpsest verify`');
    }
    return written.tree.size;
  });
}

export function importCommand(): Command {
  return new Command('import')
    .description('load an export into an empty store, refusing it when a leaf hash or the final root does not match')
    .argument('<file>', 'an NDJSON export')
    .option('--key <file>', "a verifier key text (as /log/public-key serves it) to check the checkpoint's signature")
    .action(action(async (file: string, o: { key?: string }) => {
      const n = await importLog(loadConfig(), file, o.key);
      console.log(`imported ${n} events; root verified against the checkpoint${o.key !== undefined ? ' and its signature' : ''}`);
    }));
}
