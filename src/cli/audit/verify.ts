import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { readLog } from '../../store/read-log.ts';
import { loadConfig, type Config } from '../../config.ts';
import { loadSigningKey } from '../../log/keys.ts';
import { checkAgainstCheckpoint, verifyEvents, type BadLeaf } from '../../log/verify.ts';
import { CHECKPOINTS_FILE, CheckpointArchive } from '../../log/checkpoint-archive.ts';
import type { MerkleLog } from '../../log/merkle.ts';
import { checkTreeAgainstKept } from '../../log/tree-check.ts';
import type { EventStore } from '../../store/port.ts';
import { progress } from '../progress.ts';
import { withStore, action, where } from './common.ts';

export async function verifyLog(config: Config, opts: { checkpoint?: string; key?: string }): Promise<boolean> {
  return withStore(config, async (store) => {
    const bar = progress('verify', Number(await store.size()));
    const result = await verifyEvents(readLog(store), { onProgress: (n) => bar.update(n) });
    bar.done();
    console.log(`size ${result.size}`);
    console.log(`root ${result.root.toString('base64')}`);
    let ok = true;
    let firstBad = result.firstBad;
    // The kept checkpoints catch an event rewritten together with its stored leaf hash.
    const kept = await againstKept(config, store, result.log);
    if (kept !== undefined && (firstBad === undefined || kept.index < firstBad.index)) firstBad = kept;
    if (firstBad) {
      console.error(`bad leaf: ${where(firstBad)}: ${firstBad.reason}`);
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

/** The recomputed tree held against the checkpoints this server kept; the first bad leaf, named, if any. */
async function againstKept(config: Config, store: EventStore, tree: MerkleLog): Promise<BadLeaf | undefined> {
  if (!fs.existsSync(path.join(config.dataDir, CHECKPOINTS_FILE))) return undefined;
  const archive = CheckpointArchive.open(config.dataDir);
  try {
    const check = checkTreeAgainstKept(tree, archive, loadSigningKey(config.logKeyFile, config.logOrigin).verifierKey);
    if (check.ok) return undefined;
    const index = check.found.kind === 'bad-range' ? check.found.from : check.found.index;
    const [e] = await store.readAll({ from: BigInt(index), limit: 1 });
    const reason = `the recomputed leaves do not give the roots this server signed: ${check.reason}`;
    return e === undefined ? { index, stream: '(none)', revision: -1, reason } : { index, stream: e.stream, revision: Number(e.revision), reason };
  } finally {
    archive.close();
  }
}

export function verifyCommand(): Command {
  return new Command('verify')
    .description('recompute every leaf hash and the tree from the stored events; optionally check a saved checkpoint')
    .option('--checkpoint <file>', 'a signed checkpoint the log must extend')
    .option('--key <file>', "verifier key text for the checkpoint (default: the data directory's log key)")
    .action(action(async (o: { checkpoint?: string; key?: string }) => {
      if (!(await verifyLog(loadConfig(), o))) process.exitCode = 1;
    }));
}
