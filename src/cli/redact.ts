import { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { openRuntime } from './runtime.ts';
import { action, Refused } from './audit/common.ts';

const collect = (v: string, all: string[]): string[] => [...all, v];

/**
 * `palimpsest redact <index> --path /citation/quote --reason …`: the same request as
 * POST /events/{index}/redactions, sent through this process's own HTTP app as the actor `admin`.
 * Run it with the server on this data directory stopped: a running server's read models would keep
 * the erased values in memory until it restarts (docs/log.md, "Leaf format v2 and redaction").
 */
export function redactCommand(): Command {
  return new Command('redact')
    .description('erase string values of one stored event (leaf format 2); every proof stays valid')
    .argument('<index>', 'log index of the event')
    .requiredOption('--path <pointer>', 'JSON Pointer into the event\'s data (repeat for several)', collect, [])
    .requiredOption('--reason <text>', 'why, recorded in the FieldsRedacted event')
    .action(action(async (index: string, opts: { path: string[]; reason: string }) => {
      if (!/^(0|[1-9][0-9]{0,15})$/.test(index)) throw new Refused(`index ${JSON.stringify(index)} is not a whole number`);
      const rt = await openRuntime(loadConfig());
      const token = rt.keys.createEphemeral('admin', 'admin');
      try {
        const res = await rt.app.inject({
          method: 'POST',
          url: `/events/${index}/redactions`,
          payload: { paths: opts.path, reason: opts.reason },
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'x-correlation-id': 'cli-redact' },
        });
        if (res.statusCode !== 201) {
          const p = JSON.parse(res.body) as { code?: string; detail?: string };
          throw new Refused(`${res.statusCode} ${p.code ?? ''}: ${p.detail ?? res.body}`);
        }
        process.stdout.write(`${res.body}\n`);
      } finally {
        rt.keys.dropEphemeral(token);
        await rt.close();
      }
    }));
}
