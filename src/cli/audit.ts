/**
 * The auditor's commands: export, import, verify, rebuild (DESIGN.md, Command line). Each reads the
 * log page by page, so a million events are never held in memory at once.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { Command } from 'commander';
import { allFolds } from '../app/folds.ts';
import { foldLog, LiveModels, type Fold } from '../app/live-models.ts';
import { loadSnapshot } from '../app/snapshots.ts';
import { loadConfig, type Config } from '../config.ts';
import { parseCheckpoint, signCheckpoint, verifyCheckpoint } from '../log/checkpoint.ts';
import { eventItem } from '../log/event-item.ts';
import { loadOrCreateSigningKey, loadSigningKey } from '../log/keys.ts';
import { eventLeafHash } from '../log/leaf.ts';
import { MerkleLog } from '../log/merkle.ts';
import { checkAgainstCheckpoint, verifyEvents } from '../log/verify.ts';
import { openStore } from '../store/open.ts';
import type { EventMetadata, EventStore, StoredEvent } from '../store/port.ts';
import type { ImportedEvent } from '../store/port.ts';
import { progress } from './progress.ts';

const PAGE = 1000;

/** A refusal the user must act on: printed as one line, exit 1, no stack trace. */
class Refused extends Error {
  override readonly name = 'Refused';
}

async function withStore<T>(config: Config, run: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await openStore({ kind: config.store, dataDir: config.dataDir, kurrentdbUrl: config.kurrentdbUrl, databaseUrl: config.databaseUrl });
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

/** Runs a command body; a Refused (or any error) becomes one line on stderr and exit code 1. */
function action<A extends unknown[]>(body: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await body(...args);
    } catch (err) {
      console.error(`palimpsest: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  };
}

/** The log from `from` on, one page in memory at a time. */
export async function* readLog(store: EventStore, from = 0n): AsyncGenerator<StoredEvent> {
  let next = from;
  for (;;) {
    const page = await store.readAll({ from: next, limit: PAGE });
    if (page.length === 0) return;
    yield* page;
    next += BigInt(page.length);
  }
}

const where = (b: { index: number | bigint; stream: string; revision: number | bigint }): string =>
  `index ${b.index} (stream ${b.stream}, revision ${b.revision})`;

function write(out: NodeJS.WritableStream, text: string): Promise<void> | undefined {
  // Waiting for 'drain' keeps a slow disk or pipe from buffering the whole log in memory.
  return out.write(text) ? undefined : new Promise((resolve) => out.once('drain', () => resolve()));
}

// ---------------------------------------------------------------------------------------------

export async function exportLog(config: Config, outFile: string | undefined): Promise<number> {
  const key = loadOrCreateSigningKey(config.logKeyFile, config.logOrigin);
  const out: NodeJS.WritableStream = outFile === undefined ? process.stdout : fs.createWriteStream(outFile, { flags: 'w' });
  const done = outFile === undefined ? Promise.resolve() : new Promise<void>((resolve, reject) => {
    out.once('finish', () => resolve());
    out.once('error', reject);
  });
  return withStore(config, async (store) => {
    const total = Number(await store.size());
    const bar = progress('export', total);
    // The checkpoint signs the leaf hashes the lines carry, so it is exactly what /log/checkpoint would
    // have signed at this size; an edited stored event shows up at import as a line that does not hash.
    const tree = new MerkleLog();
    for await (const e of readLog(store)) {
      const item = eventItem(e);
      tree.append(Buffer.from(item.leafHash as string, 'base64'));
      await write(out, `${JSON.stringify(item)}\n`);
      bar.update(tree.size);
    }
    bar.done();
    await write(out, `${JSON.stringify({ checkpoint: signCheckpoint(key, tree.size, tree.root()) })}\n`);
    if (outFile !== undefined) {
      out.end();
      await done;
    }
    return tree.size;
  });
}

// ---------------------------------------------------------------------------------------------

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
  return {
    event: {
      index: BigInt(o.index as number), stream: o.stream as string, revision: BigInt(o.revision as number), eventId: o.eventId as string,
      type: o.type as string, schemaVersion: o.schemaVersion as number, recordedAt: o.recordedAt as string, data: o.data,
      metadata: o.metadata as EventMetadata,
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

// ---------------------------------------------------------------------------------------------

export async function verifyLog(config: Config, opts: { checkpoint?: string; key?: string }): Promise<boolean> {
  return withStore(config, async (store) => {
    const bar = progress('verify', Number(await store.size()));
    const result = await verifyEvents(readLog(store), { onProgress: (n) => bar.update(n) });
    bar.done();
    console.log(`size ${result.size}`);
    console.log(`root ${result.root.toString('base64')}`);
    let ok = true;
    if (result.firstBad) {
      const b = result.firstBad;
      console.error(`bad leaf: ${where(b)}: ${b.reason}`);
      ok = false;
    }
    if (opts.checkpoint !== undefined) {
      const text = fs.readFileSync(opts.checkpoint, 'utf8');
      const verifierKey = opts.key !== undefined
        ? fs.readFileSync(opts.key, 'utf8').trim()
        : loadSigningKey(config.logKeyFile, config.logOrigin).verifierKey;
      const check = checkAgainstCheckpoint(result.log, text, verifierKey);
      if (!check.ok) {
        console.error(`checkpoint ${opts.checkpoint}: ${check.reason}`);
        ok = false;
      } else {
        console.log(`checkpoint ${opts.checkpoint}: signature valid, the log extends it`);
      }
    }
    if (ok) console.log('ok');
    return ok;
  });
}

// ---------------------------------------------------------------------------------------------

/** A byte-comparable text of a fold's state: its own serialize, the tree's root, or a stable dump. */
export function fingerprint(fold: Fold, state: unknown): string {
  const own = (fold as Fold & { serialize?: (s: unknown) => string }).serialize;
  if (typeof own === 'function') return own(state);
  if (state instanceof MerkleLog) return `${state.size} ${state.root().toString('base64')}`;
  return stableText(state);
}

/** JSON with Map entries sorted, bigints and Buffers spelled out: equal states give equal text. */
function stableText(v: unknown): string {
  return JSON.stringify(v, function replacer(_k, x: unknown) {
    if (typeof x === 'bigint') return `${x}n`;
    if (x instanceof Map) return [...x.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
    if (x instanceof Set) return [...x].sort();
    if (x !== null && typeof x === 'object' && (x as { type?: unknown }).type === 'Buffer' && Array.isArray((x as { data?: unknown }).data)) {
      return Buffer.from((x as { data: number[] }).data).toString('base64');
    }
    return x;
  });
}

export interface RebuildRow {
  name: string;
  events: number;
  ms: number;
  identical: boolean;
}

/**
 * Compares two paths to the same read models:
 * - the live path, what a running instance holds: LiveModels restored from the data directory's
 *   snapshot when it is valid, then fed by the store's catch-up subscription (the code path every
 *   write goes through), or, without a snapshot, that subscription from index 0;
 * - a from-scratch fold of every event through fresh folds (foldLog).
 * Any divergence between incremental application, snapshot restore and a clean replay — a projection
 * that depends on Map order, on state a restore loses, or on when it sees an event — shows up as a
 * DIFFERENT line. The Merkle fold compares the tree's size and root.
 */
export async function rebuild(config: Config): Promise<{ rows: RebuildRow[]; snapshotUsed: boolean }> {
  return withStore(config, async (store) => {
    const folds = allFolds();
    const restored = await loadSnapshot(config.dataDir, store, folds);
    const live = new LiveModels(store, folds, restored);
    await live.start();
    await live.stop();
    const liveSnap = live.snapshot();

    const bar = progress('rebuild', Number(liveSnap.next));
    // The live models stopped at liveSnap.next: fold exactly that prefix, even if writers continue.
    const { states: fresh, events, msPerFold: ms } = await foldLog(store, folds, { until: liveSnap.next, pageSize: PAGE, onPage: (n) => bar.update(n) });
    bar.done();
    const rows = folds.map((f) => ({
      name: f.name,
      events,
      ms: ms.get(f.name)!,
      identical: fingerprint(f, fresh.get(f.name)) === fingerprint(f, liveSnap.states.get(f.name)),
    }));
    return { rows, snapshotUsed: restored !== undefined };
  });
}

// ---------------------------------------------------------------------------------------------

export function auditCommands(): Command[] {
  const exportCmd = new Command('export')
    .description('write the whole log as NDJSON, one /events item a line, then {"checkpoint": "<signed note>"}')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(action(async (o: { out?: string }) => {
      const n = await exportLog(loadConfig(), o.out);
      if (o.out !== undefined) console.error(`exported ${n} events to ${o.out}`);
    }));

  const importCmd = new Command('import')
    .description('load an export into an empty store, refusing it when a leaf hash or the final root does not match')
    .argument('<file>', 'an NDJSON export')
    .option('--key <file>', "a verifier key text (as /log/public-key serves it) to check the checkpoint's signature")
    .action(action(async (file: string, o: { key?: string }) => {
      const n = await importLog(loadConfig(), file, o.key);
      console.log(`imported ${n} events; root verified against the checkpoint${o.key !== undefined ? ' and its signature' : ''}`);
    }));

  const verifyCmd = new Command('verify')
    .description('recompute every leaf hash and the tree from the stored events; optionally check a saved checkpoint')
    .option('--checkpoint <file>', 'a signed checkpoint the log must extend')
    .option('--key <file>', "verifier key text for the checkpoint (default: the data directory's log key)")
    .action(action(async (o: { checkpoint?: string; key?: string }) => {
      if (!(await verifyLog(loadConfig(), o))) process.exitCode = 1;
    }));

  const rebuildCmd = new Command('rebuild')
    .description('fold every projection from the log and compare it byte for byte with the live read models')
    .action(action(async () => {
      const { rows, snapshotUsed } = await rebuild(loadConfig());
      console.log(`live read models: ${snapshotUsed ? 'restored from the snapshot, then caught up from the log' : 'folded through the store subscription (no valid snapshot)'}`);
      for (const r of rows) {
        console.log(`${r.name.padEnd(20)} ${String(r.events).padStart(10)} events ${r.ms.toFixed(0).padStart(8)} ms  ${r.identical ? 'identical' : 'DIFFERENT'}`);
      }
      if (rows.some((r) => !r.identical)) process.exitCode = 1;
    }));

  return [exportCmd, importCmd, verifyCmd, rebuildCmd];
}
