import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntakeError } from '../../src/documentation/intake.ts';
import { pgliteEngine, postgresEngine } from '../helpers/stores.ts';
import { samples, serviceFixture } from '../service/fixture.ts';

/** Requests WellSky (the simulator) received for one client or caregiver by id. */
function lookupsById(stats: { byRoute: Record<string, number> }): number {
  return Object.entries(stats.byRoute)
    .filter(([route]) => /^GET .*(patient|practitioner)s?\/[:{]/i.test(route))
    .reduce((sum, [, count]) => sum + count, 0);
}

for (const engine of [pgliteEngine, postgresEngine]) {
  test(`${engine.name}: a note for a client the mirror holds is accepted without asking WellSky; an unknown id still is checked live`, async () => {
    const { app } = await serviceFixture(engine);
    // Delivery would read WellSky too; only acceptance is measured here.
    await app.docs.worker?.stop();
    const sim = app.simulator!;
    const { client, caregiver } = samples(app);

    sim.control.resetStats();
    const { item } = await app.docs.service.submit({
      kind: 'client-note',
      clientId: client.id,
      text: 'Ate lunch, walked to the mailbox.',
    });
    assert.equal(item.state, 'pending');
    const caregiverNote = await app.docs.service.submit({
      kind: 'caregiver-note',
      caregiverId: caregiver.id,
      text: 'Arrived early.',
    });
    assert.equal(caregiverNote.item.state, 'pending');
    assert.equal(lookupsById(sim.control.stats()), 0, JSON.stringify(sim.control.stats().byRoute));

    await assert.rejects(
      app.docs.service.submit({ kind: 'client-note', clientId: '987654321', text: 'Who is this?' }),
      (error: unknown) => error instanceof IntakeError && /there is no client 987654321/.test(error.message),
    );
    assert.equal(lookupsById(sim.control.stats()), 1, JSON.stringify(sim.control.stats().byRoute));
  });
}
