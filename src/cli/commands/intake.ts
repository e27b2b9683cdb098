import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Command } from 'commander';
import { describe } from '../../documentation/view.ts';
import { IntakeRequestError, IntakeUnavailableError } from '../../intake/errors.ts';
import type { IntakeAnswer } from '../../intake/service.ts';
import { describeLink } from '../../intake/view.ts';
import { openContext } from '../../runtime/context.ts';
import { documentationRuntime } from '../../runtime/documentation.ts';
import { type IntakeRuntime, intakeRuntime } from '../../runtime/intake.ts';
import { INTAKE_KINDS, LINK_STATES } from '../../store/intake-types.ts';
import { choiceOption, integerOption } from '../options.ts';

async function withIntake<T>(fn: (intake: IntakeRuntime) => Promise<T>): Promise<T> {
  const context = await openContext({ requireWellSky: true });
  try {
    const docs = documentationRuntime(context.store, context.wellsky, context.env);
    return await fn(intakeRuntime(context.store, context.wellsky, docs, context.env));
  } catch (error) {
    // The intake's own refusals are the user's to fix: said plainly, exit 2.
    if (error instanceof IntakeRequestError || error instanceof IntakeUnavailableError) {
      console.error(`skybridge: ${error.message}`);
      process.exitCode = 2;
      return undefined as T;
    }
    throw error;
  } finally {
    await context.close();
  }
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new IntakeRequestError(`--file: cannot read ${path}: ${(error as Error).message}`, 'file', 400);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new IntakeRequestError(`--file: ${path} is not valid JSON`, 'file', 400);
  }
}

function sentence(answer: IntakeAnswer): string {
  const who = `${answer.kind} ${answer.source}/${answer.externalId}`;
  const where = answer.wellskyId ? `WellSky ${answer.wellskyId}` : 'not in WellSky';
  const line = `${who}: ${answer.outcome.toUpperCase()} — ${where}, stage ${answer.stage} (status ${answer.status})`;
  if (answer.outcome !== 'held') return line;
  const candidates = (answer.candidates ?? []).map(
    (c) => `  candidate ${c.wellskyId} ${c.name} (${c.matched.join(', ')})`,
  );
  return [`${line}`, `  why: ${answer.reason}`, ...candidates].join('\n');
}

function print(json: boolean | undefined, value: unknown, text: string) {
  console.log(json ? JSON.stringify(value, null, 2) : text);
}

interface KeyFlags {
  source: string;
  id: string;
  json?: boolean;
}

const MIME: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.bmp': 'image/bmp',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

export function intakeCommand(program: Command) {
  const intake = program
    .command('intake')
    .description('prospects, applicants and documents from outside systems, into WellSky without duplicates');

  for (const kind of INTAKE_KINDS) {
    intake
      .command(kind)
      .description(
        `create or update the WellSky ${kind} for one ${kind === 'prospect' ? 'sales deal' : 'recruiting lead'}`,
      )
      .requiredOption('--source <name>', 'the system it comes from, e.g. hubspot')
      .requiredOption('--id <externalId>', 'its id in that system')
      .requiredOption('--file <payload.json>', `the ${kind} as JSON (see README "Intake")`)
      .option('--json', 'print the answer as JSON')
      .action(async (flags: KeyFlags & { file: string }) => {
        await withIntake(async ({ service }) => {
          const answer = await service.upsert(
            kind,
            { source: flags.source, externalId: flags.id },
            await readJson(flags.file),
          );
          print(flags.json, answer, sentence(answer));
          if (answer.outcome === 'held') process.exitCode = 3;
        });
      });
  }

  intake
    .command('convert')
    .description('make a prospect a client in WellSky')
    .requiredOption('--source <name>', 'the system it comes from')
    .requiredOption('--id <externalId>', 'its id in that system')
    .option('--json', 'print the answer as JSON')
    .action(async (flags: KeyFlags) => {
      await withIntake(async ({ service }) => {
        const answer = await service.convert({ source: flags.source, externalId: flags.id });
        print(flags.json, answer, sentence(answer));
      });
    });

  intake
    .command('list')
    .description('who was brought in, held ones (with candidates) first')
    .option('--state <state>', LINK_STATES.join(' | '), choiceOption('--state', LINK_STATES))
    .option('--kind <kind>', INTAKE_KINDS.join(' | '), choiceOption('--kind', INTAKE_KINDS))
    .option('--limit <n>', 'at most this many', integerOption('--limit', 1, 500), 50)
    .option('--json', 'print JSON')
    .action(
      async (flags: {
        state?: (typeof LINK_STATES)[number];
        kind?: (typeof INTAKE_KINDS)[number];
        limit: number;
        json?: boolean;
      }) => {
        await withIntake(async ({ service }) => {
          const links = await service.list(flags);
          print(
            flags.json,
            { links },
            links.length === 0 ? 'nothing brought in yet' : links.map(describeLink).join('\n'),
          );
        });
      },
    );

  intake
    .command('show')
    .description('one prospect or applicant, with its history')
    .requiredOption('--source <name>', 'the system it comes from')
    .requiredOption('--id <externalId>', 'its id in that system')
    .option('--json', 'print JSON')
    .action(async (flags: KeyFlags) => {
      await withIntake(async ({ service }) => {
        const link = await service.get({ source: flags.source, externalId: flags.id });
        if (!link) throw new IntakeRequestError(`there is no ${flags.source}/${flags.id}`, 'id', 404);
        const history = (link.history ?? []).map(
          (h) => `  ${h.at} ${h.action}${h.detail ? `: ${h.detail}` : ''}`,
        );
        print(flags.json, { link }, [describeLink(link), ...history].join('\n'));
      });
    });

  intake
    .command('choose')
    .description('decide a held one: link it to a WellSky record, or create a new record')
    .requiredOption('--source <name>', 'the system it comes from')
    .requiredOption('--id <externalId>', 'its id in that system')
    .requiredOption('--by <name>', 'who decides (recorded)')
    .option('--wellsky-id <id>', 'link to this WellSky record')
    .option('--create-new', 'create a new record instead')
    .option('--json', 'print the answer as JSON')
    .action(async (flags: KeyFlags & { by: string; wellskyId?: string; createNew?: boolean }) => {
      await withIntake(async ({ service }) => {
        if (Boolean(flags.wellskyId) === Boolean(flags.createNew)) {
          throw new IntakeRequestError('give exactly one of --wellsky-id or --create-new', 'wellsky-id', 400);
        }
        const choice = flags.wellskyId ? { wellskyId: flags.wellskyId } : ({ createNew: true } as const);
        const answer = await service.choose({ source: flags.source, externalId: flags.id }, choice, flags.by);
        print(flags.json, answer, sentence(answer));
      });
    });

  intake
    .command('document')
    .description(
      "upload a file (≤ 10 MB) to a client's, prospect's or caregiver's profile through the documentation pipeline",
    )
    .requiredOption('--file <path>', 'the file: pdf, txt, png, jpg, gif, bmp, doc, docx')
    .requiredOption('--title <title>', 'what it is, e.g. "Signed intake form"')
    .option('--type <type>', "WellSky's document type text", 'General')
    .option('--client <id>', 'client (WellSky patient id)')
    .option('--prospect <id>', 'prospect (WellSky patient id)')
    .option('--caregiver <id>', 'caregiver (WellSky practitioner id)')
    .option('--json', 'print the item as JSON')
    .action(
      async (flags: {
        file: string;
        title: string;
        type: string;
        client?: string;
        prospect?: string;
        caregiver?: string;
        json?: boolean;
      }) => {
        await withIntake(async ({ documents }) => {
          const contentType = MIME[extname(flags.file).toLowerCase()];
          if (!contentType)
            throw new IntakeRequestError(
              `--file: WellSky takes ${Object.keys(MIME).join(' ')} files`,
              'file',
              400,
            );
          const data = (await readFile(flags.file)).toString('base64');
          const outcome = await documents.submit(
            {
              ...(flags.client ? { clientId: flags.client } : {}),
              ...(flags.prospect ? { prospectId: flags.prospect } : {}),
              ...(flags.caregiver ? { caregiverId: flags.caregiver } : {}),
              title: flags.title,
              type: flags.type,
              contentType,
              filename: flags.file.split('/').at(-1),
              data,
            },
            { waitMs: 30_000 },
          );
          print(flags.json, outcome, describe(outcome.item));
          if (outcome.item.state === 'held' || outcome.item.state === 'failed') process.exitCode = 3;
        });
      },
    );
}
