import { Command, Option } from 'commander';
import { KeyRing, Role, type StoredKey } from '../auth/keys.ts';
import { loadConfig } from '../config.ts';

/** The same three operations on the key file or, on PostgreSQL, the table every instance shares. */
interface KeyAdmin {
  create(role: Role, name: string, id?: string): Promise<{ id: string; token: string }>;
  list(): Promise<Omit<StoredKey, 'salt' | 'hash'>[]>;
  revoke(id: string): Promise<boolean>;
  close(): Promise<void>;
}

async function keyAdmin(): Promise<KeyAdmin> {
  const config = loadConfig();
  if (config.store === 'postgres') {
    const { PostgresKeys } = await import('../auth/postgres-keys.ts');
    const keys = await PostgresKeys.open(config.databaseUrl !== undefined ? { connectionString: config.databaseUrl } : {});
    return {
      create: (role, name, id) => keys.create(role, name, id, config.adminToken),
      list: () => keys.list(),
      revoke: (id) => keys.revoke(id),
      close: () => keys.close(),
    };
  }
  const ring = new KeyRing(KeyRing.fileIn(config.dataDir), config.adminToken);
  return {
    create: async (role, name, id) => ring.create(role, name, id),
    list: async () => ring.list(),
    revoke: async (id) => ring.revoke(id),
    close: async () => {},
  };
}

async function withKeys<T>(run: (keys: KeyAdmin) => Promise<T>): Promise<T> {
  const keys = await keyAdmin();
  try {
    return await run(keys);
  } finally {
    await keys.close();
  }
}

export function keysCommand(): Command {
  const keys = new Command('keys').description('create, list and revoke API keys');
  keys
    .command('create')
    .description('create a key and print its token once')
    .addOption(new Option('--role <role>', 'reader, editor, auditor or admin').choices(Role.options).makeOptionMandatory())
    .requiredOption('--name <name>', 'who holds the key, e.g. newsroom-desk')
    .option('--id <id>', 'the key id (the actor recorded on its events); default: from the name')
    .action(async (o: { role: Role; name: string; id?: string }) => {
      const { id, token } = await withKeys((k) => k.create(o.role, o.name, o.id));
      console.error(`created key ${id} (${o.role}); the token is shown only now:`);
      console.log(token);
    });
  keys
    .command('list')
    .description('list keys (never their tokens)')
    .action(async () => {
      for (const k of await withKeys((keys) => keys.list())) console.log([k.id, k.role, k.name, k.createdAt, k.revokedAt ? `revoked ${k.revokedAt}` : 'active'].join('\t'));
    });
  keys
    .command('revoke <id>')
    .description('revoke a key; its token stops working at once')
    .action(async (id: string) => {
      if (!(await withKeys((k) => k.revoke(id)))) {
        console.error(`no active key ${id}`);
        process.exitCode = 1;
        return;
      }
      console.log(`revoked ${id}`);
    });
  return keys;
}
