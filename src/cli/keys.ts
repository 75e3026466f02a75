import { Command, Option } from 'commander';
import { KeyRing, Role } from '../auth/keys.ts';
import { loadConfig } from '../config.ts';

function ring(): KeyRing {
  const config = loadConfig();
  return new KeyRing(KeyRing.fileIn(config.dataDir), config.adminToken);
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('create, list and revoke API keys');
  keys
    .command('create')
    .description('create a key and print its token once')
    .addOption(new Option('--role <role>', 'reader, editor, auditor or admin').choices(Role.options).makeOptionMandatory())
    .requiredOption('--name <name>', 'who holds the key, e.g. newsroom-desk')
    .option('--id <id>', 'the key id (the actor recorded on its events); default: from the name')
    .action((o: { role: Role; name: string; id?: string }) => {
      const { id, token } = ring().create(o.role, o.name, o.id);
      console.error(`created key ${id} (${o.role}); the token is shown only now:`);
      console.log(token);
    });
  keys
    .command('list')
    .description('list keys (never their tokens)')
    .action(() => {
      for (const k of ring().list()) console.log([k.id, k.role, k.name, k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active'].join('\t'));
    });
  keys
    .command('revoke <id>')
    .description('revoke a key; its token stops working at once')
    .action((id: string) => {
      if (!ring().revoke(id)) {
        console.error(`no active key ${id}`);
        process.exitCode = 1;
        return;
      }
      console.log(`revoked ${id}`);
    });
  return keys;
}
