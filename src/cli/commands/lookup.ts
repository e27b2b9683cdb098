import { type Command, InvalidArgumentError } from 'commander';
import { IANAZone } from 'luxon';
import { formatPhone } from '../../lib/phone.ts';
import { Mirror } from '../../mirror/index.ts';
import type { IdentifyMatch, MirrorPerson } from '../../mirror/types.ts';
import { openContext, type RuntimeContext } from '../../runtime/context.ts';
import { MirrorRepo } from '../../sync/repo.ts';

/**
 * Bad input is the user's to fix, not a crash: print the message alone and exit 2. (main.ts prints
 * stacks for unexpected errors; a RangeError from input validation is expected.)
 */
export function userErrors<A extends unknown[]>(action: (...args: A) => Promise<void>) {
  return async (...args: A): Promise<void> => {
    try {
      await action(...args);
    } catch (error) {
      if (error instanceof RangeError || error instanceof InvalidArgumentError) {
        console.error(`skybridge: ${error.message}`);
        process.exitCode = 2;
        return;
      }
      throw error;
    }
  };
}

/** The agency zone from `WELLSKY_TIMEZONE` (default America/Denver), checked. */
export function agencyZone(env: NodeJS.ProcessEnv): string {
  const zone = env.WELLSKY_TIMEZONE || 'America/Denver';
  if (!IANAZone.isValidZone(zone))
    throw new RangeError('WELLSKY_TIMEZONE must be an IANA time zone such as America/Denver');
  return zone;
}

/** The mirror, or a clear error when no sync has filled it yet. */
export async function openMirror(
  context: RuntimeContext,
): Promise<{ mirror: Mirror; lastSync: string | null }> {
  const last = await new MirrorRepo(context.store.db).lastRun(['full', 'incremental']);
  if (!last) throw new RangeError('the local mirror is empty: run `skybridge sync` first');
  const mirror = await Mirror.open({ store: context.store, timezone: agencyZone(context.env) });
  return { mirror, lastSync: (last.finished_at ?? last.started_at).toISOString() };
}

/** A phone number has digits and nothing that reads as a name. */
export function looksLikePhone(query: string): boolean {
  const main = query.split(/\s*(?:x|ext\.?|extension|#)\s*\d+$/i)[0] ?? '';
  return /\d{7,}/.test(main.replace(/\D/g, '')) && !/[a-z]/i.test(main);
}

function age(seconds: number): string {
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86_400)} days ago`;
}

function matchLine(m: IdentifyMatch): string {
  const whose = m.client
    ? `  ${m.relationship ?? 'contact'} of client ${m.client.id} (${m.client.name})`
    : '';
  return `  ${m.kind.padEnd(10)}${m.id.padEnd(10)}${m.name}${m.active ? '' : '  [inactive]'}${whose}  · ${m.phoneUse}  · synced ${age(m.ageSeconds)}`;
}

function personLine(p: MirrorPerson): string {
  const phones = p.phones.map((ph) => `${ph.use} ${formatPhone(ph.digits)}`).join(', ');
  return `  ${p.kind.padEnd(10)}${p.id.padEnd(10)}${p.name}${p.active ? '' : '  [inactive]'}  · ${phones}`;
}

export function lookupCommand(program: Command) {
  program
    .command('lookup')
    .description('who is this? a phone number in any format, or part of a name (from the local mirror)')
    .argument('<query>', 'a phone number like "(303) 555-0100" or a name like "nunez"')
    .option('--json', 'print one JSON document')
    .action(
      userErrors(async (query: string, flags: { json?: boolean }) => {
        const trimmed = query.trim();
        if (!trimmed) throw new RangeError('give a phone number or a name');
        const context = await openContext();
        try {
          const { mirror, lastSync } = await openMirror(context);
          if (looksLikePhone(trimmed)) {
            const result = mirror.identify(trimmed);
            if (flags.json) {
              console.log(
                JSON.stringify({ kind: 'phone', lastSync, timezone: mirror.timezone, ...result }, null, 2),
              );
            } else {
              const ext = result.extension ? ` ext. ${result.extension}` : '';
              console.log(
                `${formatPhone(result.digits)}${ext}: ${result.matches.length} match(es) · mirror synced ${lastSync}`,
              );
              for (const m of result.matches) console.log(matchLine(m));
            }
            if (result.matches.length === 0) process.exitCode = 3;
          } else {
            const people = mirror.searchPeople(trimmed);
            if (flags.json)
              console.log(
                JSON.stringify({ kind: 'name', lastSync, query: trimmed, matches: people }, null, 2),
              );
            else {
              console.log(`"${trimmed}": ${people.length} match(es) · mirror synced ${lastSync}`);
              for (const p of people) console.log(personLine(p));
            }
            if (people.length === 0) process.exitCode = 3;
          }
        } finally {
          await context.close();
        }
      }),
    );
}
