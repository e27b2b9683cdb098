import type { Command } from 'commander';
import { OperationError } from '../../operations/errors.ts';
import type { CampaignView } from '../../operations/fill/index.ts';
import { SkybridgeApp } from '../../runtime/app.ts';

/** Runs against the configured WellSky and the synced mirror; an OperationError is printed plainly. */
async function withFills(action: (app: SkybridgeApp) => Promise<number | undefined>): Promise<void> {
  const app = await SkybridgeApp.create({ demo: 'never' });
  try {
    const code = await action(app);
    if (code) process.exitCode = code;
  } catch (error) {
    if (error instanceof OperationError) {
      console.error(`skybridge: ${error.message}`);
      process.exitCode = error.code === 'invalid-input' || error.code === 'mirror-empty' ? 2 : 1;
      return;
    }
    throw error;
  } finally {
    await app.close();
  }
}

function print(c: CampaignView, detail: boolean) {
  console.log(
    `${c.id}  ${c.state.toUpperCase()}  shift ${c.shift.id} ${c.shift.date} ${c.shift.startTime}–${c.shift.endTime}` +
      `  offers ${c.counts.offers} (sent ${c.counts.sent}, replies ${c.counts.replies}, waiting ${c.counts.pending})` +
      (c.winnerCaregiverId ? `  caregiver ${c.winnerCaregiverId}` : ''),
  );
  if (!detail) return;
  if (c.stateReason) console.log(`  why: ${c.stateReason}`);
  if (c.state === 'open' && c.nextWaveAt)
    console.log(`  next wave: ${c.nextWaveAt}; a person is called at ${c.escalateAt}`);
  for (const o of c.offers)
    console.log(
      `  wave ${o.wave} #${o.rank} caregiver ${o.caregiverId}: ${o.state}${o.stateReason ? ` (${o.stateReason})` : ''}`,
    );
}

export function fillCommand(program: Command) {
  const fill = program
    .command('fill')
    .description('fill open shifts by text: start, follow and cancel campaigns');
  fill
    .command('start')
    .description(
      'text the best-ranked eligible caregivers about an open shift, in waves; the first YES is assigned',
    )
    .requiredOption('--shift <id>', 'shift (appointment) id')
    .requiredOption('--date <day>', "the occurrence's agency-local day (YYYY-MM-DD)")
    .option('--json', 'print one JSON object')
    .action((f: { shift: string; date: string; json?: boolean }) =>
      withFills(async (app) => {
        const { campaign, created } = await app.fills.service.start({ shiftId: f.shift, date: f.date });
        if (f.json) console.log(JSON.stringify({ created, campaign }, null, 2));
        else {
          if (!created) console.log('A campaign for this shift was already open:');
          print(campaign, true);
        }
        return 0;
      }),
    );
  fill
    .command('status [id]')
    .description('one campaign with its offers, or the recent campaigns')
    .option('--json', 'print JSON')
    .action((id: string | undefined, f: { json?: boolean }) =>
      withFills(async (app) => {
        if (id) {
          const c = await app.fills.service.require(id, { history: true });
          if (f.json) console.log(JSON.stringify(c, null, 2));
          else print(c, true);
          return 0;
        }
        const items = await app.fills.service.list({ limit: 20 });
        const metrics = await app.fills.service.metrics();
        if (f.json) console.log(JSON.stringify({ items, metrics }, null, 2));
        else {
          for (const c of items) print(c, false);
          if (items.length === 0) console.log('No fill campaigns yet.');
        }
        return 0;
      }),
    );
  fill
    .command('cancel <id>')
    .description('stop a campaign: pending offers withdrawn, caregivers who were texted are told')
    .option('--by <name>', 'who cancels (recorded)', 'the office (CLI)')
    .option('--json', 'print JSON')
    .action((id: string, f: { by: string; json?: boolean }) =>
      withFills(async (app) => {
        const c = await app.fills.service.cancel(id, f.by);
        if (f.json) console.log(JSON.stringify(c, null, 2));
        else print(c, true);
        return 0;
      }),
    );
}
