import * as fs from 'node:fs';
import { Command } from 'commander';
import { readLog } from '../../store/read-log.ts';
import { loadConfig, type Config } from '../../config.ts';
import { loadSigningKey } from '../../log/keys.ts';
import { checkAgainstCheckpoint, verifyEvents } from '../../log/verify.ts';
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

export function verifyCommand(): Command {
  return new Command('verify')
    .description('recompute every leaf hash and the tree from the stored events; optionally check a saved checkpoint')
    .option('--checkpoint <file>', 'a signed checkpoint the log must extend')
    .option('--key <file>', "verifier key text for the checkpoint (default: the data directory's log key)")
    .action(action(async (o: { checkpoint?: string; key?: string }) => {
      if (!(await verifyLog(loadConfig(), o))) process.exitCode = 1;
    }));
}
