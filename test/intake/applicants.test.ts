import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { tagValue } from '../../src/connect/wire/common.ts';
import { markerFor } from '../../src/intake/requests.ts';
import { engines } from '../helpers/stores.ts';
import { intakeFixture, practitionersWithMarker } from './helpers.ts';

const applicant = {
  givenName: 'Tobiah',
  familyName: 'Wrenfield',
  phones: [{ use: 'mobile', number: '(720) 555-0142' }],
  email: 'tobiah@example.test',
  stage: 'new',
  skills: ['CNA', 'Hoyer lift'],
  languages: ['Spanish'],
};

for (const factory of engines) {
  describe(`applicants into WellSky (${factory.name})`, async () => {
    const f = await intakeFixture(factory);
    const service = f.service();
    const key = { source: 'ats', externalId: 'L-1' };
    const inWellSky = () => {
      const found = practitionersWithMarker(f.sim, markerFor('ats', 'L-1'));
      assert.equal(found.length, 1);
      return found[0]!;
    };

    test('a new applicant: status 10, not hired, skills and languages as profile tags', async () => {
      const answer = await service.upsert('applicant', key, applicant);
      assert.equal(answer.outcome, 'created');
      const record = inWellSky();
      assert.equal(tagValue(record.meta, 'status'), '10');
      assert.equal(tagValue(record.meta, 'isHired'), 'false');
      const tags = tagValue(record.meta, 'profileTags')!.split(',');
      assert.equal(tags.length, 3);
      assert.equal((await service.upsert('applicant', key, applicant)).outcome, 'unchanged');
    });

    test('hire needs the hire date; then the applicant is a caregiver (100) with that date', async () => {
      await assert.rejects(service.upsert('applicant', key, { ...applicant, stage: 'hired' }), /hireDate/);
      const hired = await service.upsert('applicant', key, {
        ...applicant,
        stage: 'hired',
        hireDate: '2026-03-02',
      });
      assert.equal(hired.outcome, 'updated');
      assert.equal(hired.status, 100);
      const record = inWellSky();
      assert.equal(tagValue(record.meta, 'status'), '100');
      assert.equal(tagValue(record.meta, 'isHired'), 'true');
      assert.equal(tagValue(record.meta, 'hireDate'), '2026-03-02');
    });

    test('reject and withdraw are Not Hired (90)', async () => {
      const other = { source: 'ats', externalId: 'L-2' };
      const body = { ...applicant, givenName: 'Perpetua', phones: [{ use: 'home', number: '7205550143' }] };
      await service.upsert('applicant', other, body);
      const rejected = await service.upsert('applicant', other, { ...body, stage: 'rejected' });
      assert.equal(rejected.status, 90);
      const record = practitionersWithMarker(f.sim, markerFor('ats', 'L-2'))[0]!;
      assert.equal(tagValue(record.meta, 'status'), '90');
    });

    test('any Social Security number field is refused, and nothing is stored or sent', async () => {
      const before = f.sim.control.data.practitioners().length;
      const stranger = { source: 'ats', externalId: 'L-9' };
      for (const extra of [
        { ssn: '123-45-6789' },
        { socialSecurityNumber: '123456789' },
        { notes: 'social 123-45-6789' },
      ]) {
        await assert.rejects(
          service.upsert('applicant', stranger, { ...applicant, ...extra }),
          (error: Error) => {
            assert.match(error.message, /Social Security/);
            assert.ok(!error.message.includes('6789'), 'the number is never echoed');
            return true;
          },
        );
      }
      assert.equal(await service.get(stranger), undefined);
      assert.equal(f.sim.control.data.practitioners().length, before);
    });
  });
}
