import { Command, InvalidArgumentError } from 'commander';
import { keysCommand } from './keys.ts';
import { seedCommand, serveCommand } from './serve.ts';
import { auditCommands } from './audit.ts';
import { redactCommand } from './redact.ts';

const program = new Command()
  .name('palimpsest')
  .description('Event-sourced record of what the news says about violent incidents, with a verifiable log.')
  .showHelpAfterError();

program.addCommand(serveCommand());
program.addCommand(seedCommand());
program.addCommand(keysCommand());
program.addCommand(redactCommand());
for (const c of auditCommands()) program.addCommand(c);

export function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number');
  return n;
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  console.error(`palimpsest: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
