import type { Command } from 'commander';
import { normalizePhone } from '../../lib/phone.ts';
import { MessagingInputError } from '../../messaging/messaging.ts';
import type { MessageView } from '../../messaging/views.ts';
import { SkybridgeApp } from '../../runtime/app.ts';
import { openContext } from '../../runtime/context.ts';
import { messagingRuntime } from '../../runtime/messaging.ts';
import { choiceOption, integerOption } from '../options.ts';

function line(m: MessageView): string {
  const when = m.at.replace('T', ' ').slice(0, 19);
  if (m.direction === 'outbound') {
    const why = m.reason ? ` (${m.reason})` : '';
    return `${when}  → ${m.phoneDisplay}  ${m.state}${why}  [${m.purpose}] ${m.body}`;
  }
  return `${when}  ← ${m.phoneDisplay}  ${m.state}${m.action ? ` (${m.action})` : ''}  ${m.body}`;
}

async function run(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (error) {
    if (error instanceof MessagingInputError) {
      console.error(`skybridge: ${error.message}`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

export function messagesCommand(program: Command) {
  const messages = program
    .command('messages')
    .description('text messages to and from caregivers (outbox and inbox)');

  messages
    .command('list')
    .description(
      'messages, newest first, with their true state (queued, sent, delivered, failed, not-sent) and why',
    )
    .option(
      '--direction <dir>',
      'inbound or outbound',
      choiceOption('--direction', ['inbound', 'outbound'] as const),
    )
    .option('--phone <phone>', 'only messages to or from this phone')
    .option('--since <iso>', 'only messages at or after this ISO time')
    .option('--limit <n>', 'at most this many (default 50)', integerOption('--limit', 1, 500))
    .option('--json', 'print one JSON object')
    .action(
      (f: {
        direction?: 'inbound' | 'outbound';
        phone?: string;
        since?: string;
        limit?: number;
        json?: boolean;
      }) =>
        run(async () => {
          const since = f.since === undefined ? undefined : new Date(f.since);
          if (since && Number.isNaN(since.getTime())) {
            throw new MessagingInputError(`--since must be an ISO date-time, got "${f.since}"`, 'since');
          }
          // Reading needs the store only, not WellSky.
          const context = await openContext();
          try {
            const messaging = messagingRuntime(context.store, context.env, {
              simulatedWellSky: false,
              timezone: context.env.WELLSKY_TIMEZONE ?? 'America/Denver',
            });
            const list = await messaging.list({
              ...(f.direction ? { direction: f.direction } : {}),
              ...(f.phone ? { phone: f.phone } : {}),
              ...(since ? { since } : {}),
              ...(f.limit ? { limit: f.limit } : {}),
            });
            if (f.json) console.log(JSON.stringify({ channel: messaging.channel, messages: list }, null, 2));
            else if (list.length === 0) console.log('no messages');
            else for (const m of list) console.log(line(m));
            return 0;
          } finally {
            await context.close();
          }
        }),
    );

  messages
    .command('receive')
    .description(
      'record a text a caregiver sent (when your phone system is not wired to Skybridge) and act on it',
    )
    .requiredOption('--from <phone>', 'the sender’s phone')
    .requiredOption('--text <text>', 'exactly what they texted')
    .option('--id <id>', 'the phone system’s id of this text: the same id twice is recorded once')
    .option('--json', 'print one JSON object')
    .action((f: { from: string; text: string; id?: string; json?: boolean }) =>
      run(async () => {
        if (!normalizePhone(f.from)) {
          throw new MessagingInputError('from: not a US phone number (10 digits, area code first)', 'from');
        }
        // The whole app, so the handlers registered at start-up (fill offers, …) act on the text.
        const app = await SkybridgeApp.create({ demo: 'never' });
        try {
          const result = await app.messaging.receive({
            from: f.from,
            text: f.text,
            provider: 'cli',
            ...(f.id ? { providerMessageId: `cli:${f.id}` } : {}),
          });
          const reply = result.message.replyMessageId
            ? await app.messaging.get(result.message.replyMessageId)
            : undefined;
          if (f.json) {
            console.log(JSON.stringify({ ...result, reply: reply ?? null }, null, 2));
          } else {
            const m = result.message;
            console.log(
              result.duplicate
                ? `already recorded as ${m.id}: nothing done again`
                : `recorded ${m.id}: ${m.state}${m.action ? ` (${m.action})` : ''}`,
            );
            if (reply) console.log(`  reply: ${line(reply)}`);
          }
          return result.message.state === 'received' ? 1 : 0;
        } finally {
          await app.close();
        }
      }),
    );
}
