import type { Command } from 'commander';
import { ConnectClient } from '../../connect/client.ts';
import { ensureSubscriptions } from '../../sync/index.ts';
import { userErrors } from './lookup.ts';

export function subscriptionsCommand(program: Command) {
  const group = program
    .command('subscriptions')
    .description('WellSky webhook subscriptions the mirror needs');
  group
    .command('ensure')
    .description('create the missing subscriptions (idempotent), each carrying SKYBRIDGE_WEBHOOK_SECRET')
    .requiredOption(
      '--public-url <url>',
      'the URL WellSky posts to, e.g. https://skybridge.example.org/webhooks/wellsky',
    )
    .option('--json', 'print one JSON object')
    .action(
      userErrors(async (flags: { publicUrl: string; json?: boolean }) => {
        const secret = process.env.SKYBRIDGE_WEBHOOK_SECRET;
        if (!secret) {
          throw new RangeError(
            'SKYBRIDGE_WEBHOOK_SECRET is not set: choose a random secret (e.g. `openssl rand -hex 32`) and give the same value to the service',
          );
        }
        if (!URL.canParse(flags.publicUrl))
          throw new RangeError(`--public-url is not a URL: ${flags.publicUrl}`);
        const client = new ConnectClient();
        const result = await ensureSubscriptions({ client, endpoint: flags.publicUrl, secret });
        if (flags.json) {
          console.log(JSON.stringify(result, null, 2));
          return;
        }
        console.log(`Subscriptions for ${result.endpoint}:`);
        for (const s of result.created) console.log(`  created   ${s.criteria} (${s.id})`);
        for (const s of result.replaced)
          console.log(`  replaced  ${s.criteria} (${s.oldId} → ${s.id}, new secret)`);
        for (const s of result.present) console.log(`  present   ${s.criteria} (${s.id})`);
      }),
    );
}
