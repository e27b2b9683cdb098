import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tagValue } from '../../src/connect/wire/common.ts';
import { markerFor } from '../../src/intake/requests.ts';
import { engines } from '../helpers/stores.ts';
import { intakeFixture, intakeService, patient, patientsWithMarker, prospect } from './helpers.ts';

for (const factory of engines) {
  describe(`prospects into WellSky without duplicates (${factory.name})`, async () => {
    const f = await intakeFixture(factory);
    let service = f.service();

    test('the same prospect three times is one patient: created, then unchanged twice', async () => {
      const body = prospect();
      const answers = [];
      for (let i = 0; i < 3; i++)
        answers.push(await service.upsert('prospect', { source: 'crm', externalId: 'D-100' }, body));
      assert.deepEqual(
        answers.map((a) => a.outcome),
        ['created', 'unchanged', 'unchanged'],
      );
      const inWellSky = patientsWithMarker(f.sim, markerFor('crm', 'D-100'));
      assert.equal(inWellSky.length, 1);
      assert.equal(String(inWellSky[0]!.id), answers[0]!.wellskyId);
      assert.equal(tagValue(inWellSky[0]!.meta, 'isClient'), 'false');
      assert.equal(tagValue(inWellSky[0]!.meta, 'status'), '1');
      assert.equal(tagValue(inWellSky[0]!.meta, 'agencyId'), f.sim.agencyId);
      assert.deepEqual(
        inWellSky[0]!.telecom?.find((t) => t.system === 'phone'),
        { system: 'phone', value: body.phones[0]!.number.replace(/\D/g, '').slice(1), use: 'mobile' },
      );
    });

    test('a stage change reaches WellSky as its status code; ready to schedule makes a client', async () => {
      const key = { source: 'crm', externalId: 'D-200' };
      const body = prospect();
      const created = await service.upsert('prospect', key, body);
      const moved = await service.upsert('prospect', key, { ...body, stage: 'assessment scheduled' });
      assert.equal(moved.outcome, 'updated');
      assert.equal(moved.wellskyId, created.wellskyId);
      assert.equal(moved.status, 20);
      assert.equal(tagValue(patient(f.sim, created.wellskyId!).meta, 'status'), '20');
      const won = await service.upsert('prospect', key, {
        ...body,
        stage: 'ready_to_schedule',
        notes: 'signed',
      });
      assert.equal(won.outcome, 'updated');
      const record = patient(f.sim, created.wellskyId!);
      assert.equal(tagValue(record.meta, 'status'), '70');
      assert.equal(tagValue(record.meta, 'isClient'), 'true');
      assert.equal(tagValue(record.meta, 'notes'), 'signed');
      assert.equal(patientsWithMarker(f.sim, markerFor('crm', 'D-200')).length, 1);
    });

    test('convert makes a prospect a client', async () => {
      const key = { source: 'crm', externalId: 'D-250' };
      const created = await service.upsert('prospect', key, prospect({ stage: 'awaiting signature' }));
      const converted = await service.convert(key);
      assert.equal(converted.outcome, 'updated');
      assert.equal(tagValue(patient(f.sim, created.wellskyId!).meta, 'isClient'), 'true');
      assert.equal(tagValue(patient(f.sim, created.wellskyId!).meta, 'status'), '70');
    });

    test('the stage table can be changed from the environment', async () => {
      const custom = f.service({ SKYBRIDGE_PROSPECT_STAGES: '{"wants to meet caregivers": 40}' });
      const answer = await custom.upsert(
        'prospect',
        { source: 'crm', externalId: 'D-260' },
        prospect({ stage: 'Wants to meet caregivers' }),
      );
      assert.equal(answer.status, 40);
      assert.equal(tagValue(patient(f.sim, answer.wellskyId!).meta, 'status'), '40');
      await assert.rejects(
        service.upsert(
          'prospect',
          { source: 'crm', externalId: 'D-261' },
          prospect({ stage: 'Wants to meet caregivers' }),
        ),
        /not a prospect stage; known stages: new-lead/,
      );
    });

    test('twenty concurrent calls for one external id make one record', async () => {
      const key = { source: 'crm', externalId: 'D-300' };
      const body = prospect();
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => service.upsert('prospect', key, body)),
      );
      const outcomes = answers.map((a) => a.outcome).sort();
      assert.deepEqual(outcomes, ['created', ...Array(19).fill('unchanged')]);
      assert.equal(new Set(answers.map((a) => a.wellskyId)).size, 1);
      assert.equal(patientsWithMarker(f.sim, markerFor('crm', 'D-300')).length, 1);
    });

    test('two services on one store (two processes) calling at once still make one record', async () => {
      const key = { source: 'crm', externalId: 'D-310' };
      const body = prospect();
      const other = f.service();
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (i % 2 ? other : service).upsert('prospect', key, body)),
      );
      assert.equal(answers.filter((a) => a.outcome === 'created').length, 1);
      assert.equal(patientsWithMarker(f.sim, markerFor('crm', 'D-310')).length, 1);
    });

    test('a create whose answer was lost is found again after a restart, never created twice', async () => {
      const key = { source: 'crm', externalId: 'D-400' };
      const body = prospect();
      f.sim.control.setFaults({ lostResponseRate: 1 });
      try {
        await assert.rejects(service.upsert('prospect', key, body), /answer to the create was lost/);
      } finally {
        f.sim.control.setFaults({ lostResponseRate: 0 });
      }
      assert.equal(patientsWithMarker(f.sim, markerFor('crm', 'D-400')).length, 1, 'WellSky did create it');
      // A restarted process: a new service with nothing in memory, only what the store holds.
      const restarted = intakeService(f.store, f.client);
      service = restarted;
      const before = await restarted.get(key);
      assert.equal(before?.state, 'creating');
      const answer = await restarted.upsert('prospect', key, body);
      assert.equal(answer.outcome, 'created');
      const inWellSky = patientsWithMarker(f.sim, markerFor('crm', 'D-400'));
      assert.equal(inWellSky.length, 1);
      assert.equal(String(inWellSky[0]!.id), answer.wellskyId);
      const again = await restarted.upsert('prospect', key, body);
      assert.equal(again.outcome, 'unchanged');
      const view = await restarted.get(key);
      assert.ok(view?.history?.some((h) => h.action === 'recovered'));
    });

    test('where WellSky ignores the external_id filter, a lost create is still found (by name, marker checked)', async () => {
      const key = { source: 'crm', externalId: 'D-450' };
      const body = prospect();
      f.sim.control.setQuirks({ externalIdFilterIgnored: true });
      f.sim.control.setFaults({ lostResponseRate: 1 });
      try {
        await assert.rejects(service.upsert('prospect', key, body), /answer to the create was lost/);
        f.sim.control.setFaults({ lostResponseRate: 0 });
        const answer = await service.upsert('prospect', key, body);
        assert.equal(answer.outcome, 'created');
        assert.equal(patientsWithMarker(f.sim, markerFor('crm', 'D-450')).length, 1);
      } finally {
        f.sim.control.setFaults({ lostResponseRate: 0 });
        f.sim.control.setQuirks({ externalIdFilterIgnored: false });
      }
    });

    test('a person already in WellSky with the same phone is linked, not duplicated', async () => {
      const existing = f.sim.control.createPatient({
        name: [{ given: ['Marisol'], family: 'Oyelaran' }],
        telecom: [{ system: 'phone', value: '3035550188', use: 'home' }],
        meta: {
          tag: [
            { code: 'isClient', display: 'false' },
            { code: 'status', display: '1' },
          ],
        },
      });
      const before = f.sim.control.data.patients().length;
      const answer = await service.upsert(
        'prospect',
        { source: 'crm', externalId: 'D-500' },
        {
          givenName: 'marisol',
          familyName: 'Oyelaran',
          phones: [{ use: 'mobile', number: '303.555.0188' }],
          stage: 'first call',
        },
      );
      assert.equal(answer.outcome, 'linked');
      assert.equal(answer.wellskyId, String(existing.id));
      assert.equal(f.sim.control.data.patients().length, before);
      assert.equal(tagValue(patient(f.sim, String(existing.id)).meta, 'status'), '10');
    });

    test('two people sharing the phone are held with both listed, nothing created', async () => {
      for (const given of ['Ines', 'Ines']) {
        f.sim.control.createPatient({
          name: [{ given: [given], family: 'Achterberg' }],
          telecom: [{ system: 'phone', value: '3035550199', use: 'mobile' }],
        });
      }
      const before = f.sim.control.data.patients().length;
      const answer = await service.upsert(
        'prospect',
        { source: 'crm', externalId: 'D-600' },
        {
          givenName: 'Ines',
          familyName: 'Achterberg',
          phones: [{ use: 'mobile', number: '3035550199' }],
          stage: 'new lead',
        },
      );
      assert.equal(answer.outcome, 'held');
      assert.equal(answer.candidates?.length, 2);
      assert.match(answer.reason!, /2 people in WellSky match/);
      assert.equal(f.sim.control.data.patients().length, before);
      const listed = await service.list({ state: 'held' });
      assert.ok(listed.some((l) => l.externalId === 'D-600'));
      const chosen = await service.choose(
        { source: 'crm', externalId: 'D-600' },
        { wellskyId: answer.candidates![0]!.wellskyId },
        'Dana',
      );
      assert.equal(chosen.outcome, 'linked');
      assert.equal(f.sim.control.data.patients().length, before);
    });

    test('a Social Security number is refused and nothing is stored', async () => {
      const key = { source: 'crm', externalId: 'D-700' };
      await assert.rejects(
        service.upsert('prospect', key, prospect({ ssn: '123-45-6789' })),
        /Social Security/,
      );
      await assert.rejects(
        service.upsert('prospect', key, prospect({ notes: 'SSN is 123-45-6789' })),
        (error: Error) => /Social Security/.test(error.message) && !error.message.includes('6789'),
      );
      assert.equal(await service.get(key), undefined);
    });

    test('a bad phone number is refused with the field named', async () => {
      await assert.rejects(
        service.upsert(
          'prospect',
          { source: 'crm', externalId: 'D-800' },
          prospect({ phones: [{ use: 'mobile', number: '555-01' }] }),
        ),
        /phones\.0\.number: not a US phone number/,
      );
    });
  });
}
