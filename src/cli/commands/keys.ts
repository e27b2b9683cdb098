import type { Command } from 'commander';
import { KEY_SCOPES, KeyError, KeyRepo, type KeyScope } from '../../service/keys.ts';
import { openStore } from '../../store/index.ts';
import { choiceOption } from '../options.ts';

async function withKeys<T>(fn: (keys: KeyRepo) => Promise<T>): Promise<T | undefined> {
  const store = await openStore({ viaRunningService: true });
  try {
    return await fn(new KeyRepo(store));
  } catch (error) {
    if (error instanceof KeyError) {
      console.error(`skybridge: ${error.message}`);
      process.exitCode = 2;
      return undefined;
    }
    throw error;
  } finally {
    await store.close();
  }
}

/** API keys for the service: shown once at creation, stored as a hash, revoked by id or name. */
export function keysCommand(program: Command) {
  const keys = program
    .command('keys')
    .description('API keys of the HTTP API and MCP (scopes read < write < admin)');
  keys
    .command('create')
    .description('create a key; it is printed once and only its hash is stored')
    .requiredOption('--name <name>', 'who or what uses it, e.g. "voice-assistant"')
    .option(
      '--scope <scope>',
      'read, write or admin',
      choiceOption('--scope', KEY_SCOPES),
      'read' as KeyScope,
    )
    .action(async (flags: { name: string; scope: KeyScope }) =>
      withKeys(async (repo) => {
        const { key, token } = await repo.create(flags.name, flags.scope);
        console.error(
          `Created key "${key.name}" (${key.scope}), id ${key.id}. Copy it now: it is not shown again.`,
        );
        console.log(token);
      }),
    );
  keys
    .command('list')
    .description('the keys (never the keys themselves): id, name, scope, prefix, created, revoked')
    .option('--all', 'include revoked keys')
    .option('--json', 'print JSON')
    .action(async (flags: { all?: boolean; json?: boolean }) =>
      withKeys(async (repo) => {
        const list = await repo.list({ includeRevoked: flags.all ?? false });
        if (flags.json) {
          console.log(JSON.stringify(list, null, 2));
          return;
        }
        if (list.length === 0) {
          console.log('No keys. Create one with: skybridge keys create --name NAME --scope read|write|admin');
          return;
        }
        console.log(
          `${'ID'.padEnd(38)}${'NAME'.padEnd(24)}${'SCOPE'.padEnd(7)}${'PREFIX'.padEnd(11)}CREATED${flags.all ? '                   REVOKED' : ''}`,
        );
        for (const k of list) {
          console.log(
            `${k.id.padEnd(38)}${k.name.slice(0, 23).padEnd(24)}${k.scope.padEnd(7)}${k.prefix.padEnd(11)}${k.createdAt}${flags.all ? `  ${k.revokedAt ?? ''}` : ''}`,
          );
        }
      }),
    );
  keys
    .command('revoke')
    .description('revoke a key by id or name; requests with it get 401 from then on')
    .argument('<id-or-name>')
    .action(async (idOrName: string) =>
      withKeys(async (repo) => {
        const revoked = await repo.revoke(idOrName);
        if (!revoked) {
          console.error(`skybridge: no live key with id or name "${idOrName}" (see: skybridge keys list)`);
          process.exitCode = 2;
          return;
        }
        console.log(`Revoked key "${revoked.name}" (${revoked.id}).`);
      }),
    );
}
