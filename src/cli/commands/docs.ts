import { type Command, InvalidArgumentError } from 'commander';
import { IntakeError, PRIORITIES } from '../../documentation/intake.ts';
import { LIFTABLE_HOLDS, REPLAYABLE_HOLDS } from '../../documentation/routing.ts';
import { describe, type ItemView } from '../../documentation/view.ts';
import { openContext, type RuntimeContext } from '../../runtime/context.ts';
import { type DocumentationRuntime, documentationRuntime } from '../../runtime/documentation.ts';
import { ITEM_KINDS, ITEM_STATES } from '../../store/types.ts';
import { choiceOption, integerOption, untilSignal } from '../options.ts';

async function withDocs<T>(
  requireWellSky: boolean,
  fn: (docs: DocumentationRuntime, context: RuntimeContext) => Promise<T>,
): Promise<T> {
  const context = await openContext({ requireWellSky });
  try {
    return await fn(documentationRuntime(context.store, context.wellsky, context.env), context);
  } finally {
    await context.close();
  }
}

function print(json: boolean | undefined, value: unknown, text: string) {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}

function numericId(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value))
      throw new InvalidArgumentError(`${name} must be a numeric WellSky id, got "${value}"`);
    return value;
  };
}

interface AddFlags {
  kind: (typeof ITEM_KINDS)[number];
  client?: string;
  caregiver?: string;
  prospect?: string;
  text?: string;
  title?: string;
  due?: string;
  priority?: (typeof PRIORITIES)[number];
  at?: string;
  key?: string;
  familyRoom?: boolean;
  wait: boolean;
  json?: boolean;
}

export function docsCommand(program: Command) {
  const docs = program
    .command('docs')
    .description(
      'documentation items (notes, call-outs, office tasks): stored first, delivered to WellSky, true state',
    );

  docs
    .command('add')
    .description('store a note or office task, then deliver it; prints the item and its true state')
    .requiredOption('--kind <kind>', ITEM_KINDS.join(' | '), choiceOption('--kind', ITEM_KINDS))
    .option('--client <id>', 'client (WellSky patient id)', numericId('--client'))
    .option('--caregiver <id>', 'caregiver (WellSky practitioner id)', numericId('--caregiver'))
    .option('--prospect <id>', 'prospect (WellSky patient id)', numericId('--prospect'))
    .option('--text <text>', 'the note, or the office task description')
    .option('--title <title>', 'headline (required for an office task)')
    .option('--due <time>', 'office task: due date or time (agency time unless it has an offset)')
    .option('--priority <level>', PRIORITIES.join(' | '), choiceOption('--priority', PRIORITIES))
    .option('--at <time>', 'when it happened (default now): 2026-03-02T08:04 (agency time) or with an offset')
    .option('--key <key>', 'idempotency key: the same key twice returns the same item')
    .option('--family-room', 'let the family see this note in the Family Room')
    .option('--no-wait', 'store it and return at once (a worker delivers it)')
    .option('--json', 'print the item as JSON')
    .action(async (flags: AddFlags) => {
      await withDocs(true, async ({ service, worker }) => {
        const request = {
          kind: flags.kind,
          clientId: flags.client,
          caregiverId: flags.caregiver,
          prospectId: flags.prospect,
          text: flags.text ?? '',
          title: flags.title,
          due: flags.due,
          priority: flags.priority,
          at: flags.at,
          key: flags.key,
          showInFamilyRoom: flags.familyRoom,
          source: 'cli',
        };
        const outcome = await service.submit(request);
        // The CLI waits for the attempt to finish before it closes the store, so the state it prints is final for now.
        if (outcome.created && flags.wait && worker) await worker.runOnce({ ids: [outcome.item.id] });
        const item = (await service.get(outcome.item.id)) ?? outcome.item;
        const notes = [
          outcome.created ? 'stored' : 'already stored under this key (nothing new created)',
          outcome.sanitized > 0 ? `${outcome.sanitized} control or invalid characters replaced` : '',
        ].filter(Boolean);
        print(flags.json, { ...outcome, item }, `${describe(item)}\n(${notes.join('; ')})`);
        if (item.state === 'failed') process.exitCode = 1;
      });
    });

  docs
    .command('list')
    .description('list items, held and failed first')
    .option('--state <state>', ITEM_STATES.join(' | '), choiceOption('--state', ITEM_STATES))
    .option('--kind <kind>', ITEM_KINDS.join(' | '), choiceOption('--kind', ITEM_KINDS))
    .option('--limit <n>', 'at most this many', integerOption('--limit', 1, 1000), 50)
    .option('--json', 'print JSON')
    .action(
      async (flags: {
        state?: (typeof ITEM_STATES)[number];
        kind?: (typeof ITEM_KINDS)[number];
        limit: number;
        json?: boolean;
      }) => {
        await withDocs(false, async ({ service }) => {
          const items = await service.list({ state: flags.state, kind: flags.kind, limit: flags.limit });
          print(flags.json, { items }, items.length === 0 ? 'No items.' : items.map(describe).join('\n'));
        });
      },
    );

  docs
    .command('show <id>')
    .description('one item (by id or idempotency key) with its text and every attempt')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      await withDocs(false, async ({ service }) => {
        const item = await service.get(id);
        if (!item) throw new IntakeError(`no item with id or key "${id}"`, 'id');
        const lines = [describe(item), `  occurred ${item.occurredAt}, stored ${item.createdAt}`];
        if (item.title) lines.push(`  title: ${item.title}`);
        if (item.text) lines.push(`  text: ${item.text}`);
        for (const a of item.history ?? []) {
          lines.push(
            `  attempt ${a.attempt} ${a.startedAt}: ${a.outcome ?? 'in progress'}${a.route ? ` via ${a.route}` : ''}${a.httpStatus ? ` (${a.httpStatus})` : ''}${a.message ? ` — ${a.message}` : ''}`,
          );
        }
        print(flags.json, item, lines.join('\n'));
      });
    });

  docs
    .command('replay')
    .description('measure capabilities again and re-evaluate held items a change may have unblocked')
    .option('--all-held', 'every held item that can be re-sent without risk of a duplicate')
    .option('--json', 'print JSON')
    .action(async (flags: { allHeld?: boolean; json?: boolean }) => {
      await withDocs(true, async ({ service, worker }) => {
        await worker!.refreshCapabilities();
        const requeued = await service.replayHeld(flags.allHeld ? REPLAYABLE_HOLDS : LIFTABLE_HOLDS);
        const ids = requeued.map((item) => item.id);
        if (ids.length > 0) await worker!.runOnce({ ids });
        const items = (await Promise.all(ids.map((id) => service.get(id)))).filter((i): i is ItemView => !!i);
        print(
          flags.json,
          { items },
          items.length === 0 ? 'Nothing to replay.' : items.map(describe).join('\n'),
        );
      });
    });

  docs
    .command('retry <id>')
    .description('send a held item again after checking WellSky does not have it')
    .requiredOption('--by <name>', 'who checked')
    .option('--json', 'print JSON')
    .action(async (id: string, flags: { by: string; json?: boolean }) => {
      await withDocs(true, async ({ service, worker }) => {
        await service.retry(id, flags.by);
        await worker!.runOnce({ ids: [id] });
        const item = (await service.get(id))!;
        print(flags.json, item, describe(item));
      });
    });

  docs
    .command('resolve <id>')
    .description('close an item by hand: entered in WellSky, or dismissed')
    .requiredOption('--comment <text>', 'what was done')
    .requiredOption('--by <name>', 'who resolved it')
    .option('--entered-in-wellsky', 'a person entered it in WellSky (it becomes delivered, route "manual")')
    .option('--wellsky-id <id>', 'the id WellSky gave it, when known')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        flags: {
          comment: string;
          by: string;
          enteredInWellsky?: boolean;
          wellskyId?: string;
          json?: boolean;
        },
      ) => {
        await withDocs(false, async ({ service }) => {
          const item = await service.resolve(id, {
            comment: flags.comment,
            by: flags.by,
            outcome: flags.enteredInWellsky ? 'entered-in-wellsky' : 'dismissed',
            ...(flags.wellskyId ? { wellskyId: flags.wellskyId } : {}),
          });
          print(flags.json, item, describe(item));
        });
      },
    );

  docs
    .command('work')
    .description('run a delivery worker until stopped (Ctrl-C / SIGTERM)')
    .option('--once', 'deliver what is due now, then exit')
    .action(async (flags: { once?: boolean }) => {
      await withDocs(true, async ({ worker }) => {
        if (flags.once) {
          const worked = await worker!.runOnce();
          console.log(`Worked on ${worked} item(s).`);
          return;
        }
        worker!.start();
        console.log(`Delivery worker ${worker!.workerId} running. Press Ctrl-C to stop.`);
        const signal = await untilSignal();
        await worker!.stop();
        console.log(`Stopped (${signal}); nothing left claimed.`);
      });
    });
}
