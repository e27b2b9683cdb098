import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { runService } from '../../src/service/run.ts';
import { simulator } from '../helpers/sim.ts';
import { pgliteEngine } from '../helpers/stores.ts';

test('the service says at start that WELLSKY_AGENCY_ID does not match the credentials (not "refused")', async () => {
  const sim = await simulator({ profile: 'full', caregivers: 4, clients: 6, weeks: 1 });
  // A migrated empty store: what is tested is the start's verdict, not the first creation of the folder.
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const lines: string[] = [];
  const service = await runService({
    env: {
      WELLSKY_BASE_URL: sim.url,
      WELLSKY_CLIENT_ID: sim.credentials.clientId,
      WELLSKY_CLIENT_SECRET: sim.credentials.clientSecret,
      WELLSKY_AGENCY_ID: '999',
      WELLSKY_TIMEZONE: sim.timezone,
      SKYBRIDGE_DATA_DIR: engine.dataDir!,
      PORT: '0',
      LOG_LEVEL: 'silent',
    },
    print: (line) => lines.push(line),
  });
  after(() => service.stop());
  const out = lines.join('\n');
  assert.match(out, /THE AGENCY ID DOES NOT MATCH THESE CREDENTIALS: WellSky refuses agency 999/);
  assert.match(out, /Check WELLSKY_AGENCY_ID/);
  const rows = await service.app.docs.capabilities!.rows();
  const careplans = rows.find((r) => r.capabilityId === 'careplan.read')!;
  assert.notEqual(careplans.status, 'refused');
  assert.match(careplans.explanation, /does not match these credentials/);
});
