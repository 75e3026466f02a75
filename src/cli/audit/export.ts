import * as fs from 'node:fs';
import { Command } from 'commander';
import { readLog } from '../../store/read-log.ts';
import { loadConfig, type Config } from '../../config.ts';
import { signCheckpoint } from '../../log/checkpoint.ts';
import { CheckpointArchive } from '../../log/checkpoint-archive.ts';
import { eventItem } from '../../log/event-item.ts';
import { loadOrCreateSigningKey } from '../../log/keys.ts';
import { MerkleLog } from '../../log/merkle.ts';
import { progress } from '../progress.ts';
import { withStore, action, write } from './common.ts';

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
    const note = signCheckpoint(key, tree.size, tree.root());
    // Kept like every checkpoint the server signs (docs/log.md, "Kept checkpoints").
    const archive = CheckpointArchive.open(config.dataDir);
    try {
      archive.keep(note, (i) => tree.leafHash(i));
    } finally {
      archive.close();
    }
    await write(out, `${JSON.stringify({ checkpoint: note })}\n`);
    if (outFile !== undefined) {
      out.end();
      await done;
    }
    return tree.size;
  });
}

export function exportCommand(): Command {
  return new Command('export')
    .description('write the whole log as NDJSON, one /events item a line, then {"checkpoint": "<signed note>"}')
    .option('--out <file>', 'write to this file instead of stdout')
    .action(action(async (o: { out?: string }) => {
      const n = await exportLog(loadConfig(), o.out);
      if (o.out !== undefined) console.error(`exported ${n} events to ${o.out}`);
    }));
}
