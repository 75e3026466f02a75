import { Command } from 'commander';
import { allFolds } from '../../app/folds.ts';
import { foldLog, LiveModels } from '../../app/live-models.ts';
import { compareModels, describeDifferences } from '../../app/compare-models.ts';
import { loadSnapshot, snapshotPath } from '../../app/snapshots.ts';
import { loadConfig, type Config } from '../../config.ts';
import { progress } from '../progress.ts';
import { PAGE, withStore, action, write } from './common.ts';

export interface RebuildRow {
  name: string;
  events: number;
  ms: number;
  identical: boolean;
  /** The items (incidents, sources) that differ, when the read model can name them. */
  differing: string[];
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
    const diffs = new Map(compareModels(folds, fresh, liveSnap.states).map((d) => [d.readModel, d.items]));
    const rows = folds.map((f) => ({
      name: f.name,
      events,
      ms: ms.get(f.name) ?? 0,
      identical: !diffs.has(f.name),
      differing: diffs.get(f.name) ?? [],
    }));
    return { rows, snapshotUsed: restored !== undefined };
  });
}

export function rebuildCommand(): Command {
  return new Command('rebuild')
    .description('fold every projection from the log and compare it byte for byte with the live read models')
    .action(action(async () => {
      const { rows, snapshotUsed } = await rebuild(loadConfig());
      console.log(`live read models: ${snapshotUsed ? 'restored from the snapshot, then caught up from the log' : 'folded through the store subscription (no valid snapshot)'}`);
      for (const r of rows) {
        console.log(`${r.name.padEnd(20)} ${String(r.events).padStart(10)} events ${r.ms.toFixed(0).padStart(8)} ms  ${r.identical ? 'identical' : 'DIFFERENT'}`);
        if (r.differing.length > 0) console.log(`  differs in: ${describeDifferences([{ readModel: r.name, items: r.differing }])}`);
      }
      if (rows.some((r) => !r.identical)) {
        process.exitCode = 1;
        console.log(snapshotUsed
          ? `what to do: the snapshot holds read models the log does not give. Stop the server, remove ${snapshotPath(loadConfig().dataDir)}, run \`palimpsest verify\`, then restart: the read models are folded again from the log.`
          : 'what to do: the log folds differently through the subscription than from scratch, which is a bug in a projection: report it with this output; `palimpsest verify` tells whether the log itself is sound.');
      }
    }));
}
