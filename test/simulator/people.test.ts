import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Api, startApi, tag } from './helpers.ts';

let api: Api;
before(async () => {
  api = await startApi({ clients: 1100, caregivers: 300 });
});
after(() => api.close());

test('search bundles are wrapped with totalRecords and page past 100 and past 1,000 records', async () => {
  const first = await api.call('POST', '/v1/patients/_search/?_count=100&_page=0', {});
  assert.equal(first.status, 200);
  assert.equal(first.json.resourceType, 'Bundle');
  assert.equal(first.json.id, 'searchParams');
  assert.equal(first.json.type, 'searchset');
  assert.equal(first.json.totalRecords, 1100);
  assert.equal(first.json.entry.length, 100);
  assert.equal(first.json.entry[0].resource.resourceType, 'Patient');
  const seen = new Set<string>();
  for (let page = 0; page < 12; page++) {
    const res = await api.call('POST', `/v1/patients/_search/?_count=100&_page=${page}`, {});
    for (const e of res.json.entry) seen.add(e.resource.id);
    if (page === 10) assert.equal(res.json.entry.length, 100);
    if (page === 11) assert.deepEqual(res.json.entry, []);
  }
  assert.equal(seen.size, 1100);
});

test('_count above 100 is clamped to 100 and defaults to 20', async () => {
  const big = await api.call('POST', '/v1/practitioners/_search/?_count=500', {});
  assert.equal(big.json.entry.length, 100);
  const plain = await api.call('GET', '/v1/practitioners/');
  assert.equal(plain.json.entry.length, 20);
  assert.equal(plain.json.totalRecords, 300);
});

test('a bare patient list returns a stable ~40 % subset while _search sees everyone', async () => {
  const bare = await api.call('GET', '/v1/patients/?_count=100');
  assert.ok(bare.json.totalRecords > 300 && bare.json.totalRecords < 580, String(bare.json.totalRecords));
  const again = await api.call('GET', '/v1/patients/?_count=100');
  assert.equal(again.json.totalRecords, bare.json.totalRecords);
  const filtered = await api.call('GET', '/v1/patients/?gender=female&_count=1');
  const searched = await api.call('POST', '/v1/patients/_search/?_count=1', { gender: 'female' });
  assert.equal(filtered.json.totalRecords, searched.json.totalRecords);
});

test('phone filters match only their telecom use and reject anything but 10 digits', async () => {
  const patient = api.sim.control.data.patients()[3];
  assert.ok(patient);
  const mobile = patient.telecom?.find((t) => t.use === 'mobile')?.value as string;
  const hit = await api.call('GET', `/v1/patients/?mobile_phone=${mobile}`);
  assert.equal(hit.json.totalRecords, 1);
  assert.equal(hit.json.entry[0].resource.id, patient.id);
  const wrongUse = await api.call('POST', '/v1/patients/_search/', { home_phone: mobile });
  assert.equal(wrongUse.json.totalRecords, 0);
  for (const bad of ['303555012', '+13035550123', '(303) 555-0123']) {
    const res = await api.call('GET', `/v1/patients/?mobile_phone=${encodeURIComponent(bad)}`);
    assert.equal(res.status, 400, bad);
    assert.deepEqual(res.json, { error: 'Invalid phone number format. Must be 10 digits.' });
  }
});

test('phones are valid NANP numbers and a shared family line can match two people', () => {
  const phones = new Map<string, number>();
  for (const p of [...api.sim.control.data.patients(), ...api.sim.control.data.practitioners()]) {
    for (const t of p.telecom ?? []) {
      if (t.system !== 'phone') continue;
      assert.match(t.value as string, /^(303|720|719)555\d{4}$/);
      phones.set(t.value as string, (phones.get(t.value as string) ?? 0) + 1);
    }
  }
  assert.ok(
    [...phones.values()].every((n) => n === 1),
    'patient and caregiver phones are unique',
  );
  const shared = api.sim.control.data
    .patients()
    .slice(0, 300)
    .some((p) =>
      api.sim.control.data
        .relatedPersons(p.id)
        .some((r) => p.telecom?.some((t) => t.value === r.telecom?.[0]?.value)),
    );
  assert.ok(shared, 'some contact shares the client phone');
});

test('last_name:contains matches case-insensitively', async () => {
  const res = await api.call('GET', '/v1/patients/?last_name:contains=NG&_count=100');
  assert.ok(res.json.totalRecords > 0);
  for (const e of res.json.entry) assert.match(e.resource.name[0].family.toLowerCase(), /ng/);
  const exact = await api.call('POST', '/v1/practitioners/_search/', { last_name: 'smith' });
  for (const e of exact.json.entry) assert.equal(e.resource.name[0].family, 'Smith');
});

test('the updated comparator sees a change bumped through the control surface', async () => {
  const before = await api.call('POST', '/v1/patients/_search/', { updated: 'ge2026-02-12T16:59:00' });
  assert.equal(before.json.totalRecords, 0);
  const updated = api.sim.control.updatePatient('900010', { gender: 'other' });
  assert.equal(updated.meta?.lastUpdated, '2026-02-12T17:00:00+00:00');
  const after = await api.call('GET', '/v1/patients/?updated=ge2026-02-12T16:59:00');
  assert.deepEqual(
    after.json.entry.map((e: { resource: { id: string } }) => e.resource.id),
    ['900010'],
  );
  const lt = await api.call('POST', '/v1/patients/_search/?_count=1', { updated: 'lt2026-02-12T16:59:00' });
  assert.equal(lt.json.totalRecords, 1099);
  const bad = await api.call('GET', '/v1/patients/?updated=yesterday');
  assert.equal(bad.status, 400);
});

test('active=true on patients returns an empty bundle under the quirk and real results without it', async () => {
  const quirky = await api.call('POST', '/v1/patients/_search/', { active: 'true' });
  assert.equal(quirky.status, 200);
  assert.equal(quirky.json.totalRecords, 0);
  assert.deepEqual(quirky.json.entry, []);
  const get = await api.call('GET', '/v1/patients/?active=true');
  assert.equal(get.json.totalRecords, 0);
  const caregivers = await api.call('POST', '/v1/practitioners/_search/', {
    active: 'true',
    is_hired: 'true',
  });
  assert.ok(caregivers.json.totalRecords > 150);
  api.sim.control.setQuirks({ patientActiveFilterEmpty: false });
  try {
    const real = await api.call('POST', '/v1/patients/_search/', { active: 'true' });
    assert.ok(real.json.totalRecords > 800);
  } finally {
    api.sim.control.setQuirks({ patientActiveFilterEmpty: true });
  }
});

test('the patient status tag reads "None" under the quirk and the real id without it', async () => {
  const quirky = await api.call('GET', '/v1/patients/900000/');
  assert.equal(quirky.status, 404);
  const one = await api.call('GET', '/v1/patients/900001/');
  assert.equal(tag(one.json, 'status'), 'None');
  assert.match(tag(one.json, 'isClient') as string, /^(true|false)$/);
  api.sim.control.setQuirks({ patientStatusNone: false });
  try {
    const real = await api.call('GET', '/v1/patients/900001/');
    assert.match(tag(real.json, 'status') as string, /^\d+$/);
  } finally {
    api.sim.control.setQuirks({ patientStatusNone: true });
  }
});

test('generated people carry the WellSky shapes the facts describe', () => {
  const caregivers = api.sim.control.data.practitioners();
  const hired = caregivers.filter((c) => tag(c, 'isHired') === 'true');
  assert.ok(hired.length / caregivers.length > 0.7 && hired.length / caregivers.length < 0.9);
  assert.ok(hired.every((c) => tag(c, 'status') === '100'));
  assert.ok(hired.some((c) => c.active === false && tag(c, 'deactivationReason')));
  const c = caregivers[0];
  assert.ok(c?.communication?.[0]?.coding?.[0]?.code);
  const geo = c?.address?.[0]?.extension?.[0] as {
    url: string;
    extension: { url: string; valueDecimal: number }[];
  };
  assert.equal(geo.url, 'http://hl7.org/fhir/StructureDefinition/geolocation');
  assert.deepEqual(
    geo.extension.map((e) => e.url),
    ['latitude', 'longitude'],
  );
  assert.ok(tag(c as never, 'created') && c?.meta?.lastUpdated);
  const names = caregivers.map((p) => p.name?.[0]?.text ?? '').join(' ');
  assert.match(names, /[éëěłễøüöç]/i);
  const patients = api.sim.control.data.patients();
  const prospects = patients.filter((p) => tag(p, 'isClient') === 'false').length / patients.length;
  assert.ok(prospects > 0.1 && prospects < 0.2, String(prospects));
  assert.ok(patients.some((p) => tag(p, 'preferredCaregivers')));
  const contacts = api.sim.control.data.relatedPersons('900001');
  assert.ok(contacts.length >= 1 && contacts.length <= 3);
  assert.ok(contacts[0]?.relationship);
});

test('relatedperson by patient returns only an entry list', async () => {
  const res = await api.call('GET', '/v1/relatedperson/900001/');
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.json), ['entry']);
  assert.equal(res.json.entry[0].resource.resourceType, 'RelatedPerson');
});

test('patient create and partial update answer {resourceType, id}', async () => {
  api.sim.control.setProfile('full');
  try {
    const created = await api.call('POST', '/v1/patients/', {
      resourceType: 'Patient',
      name: [{ family: 'Quintero', given: ['Renée'] }],
      meta: {
        tag: [
          { code: 'agencyId', display: '1001' },
          { code: 'isClient', display: 'false' },
        ],
      },
    });
    assert.equal(created.status, 201);
    assert.equal(created.json.resourceType, 'Patient');
    const updated = await api.call('PUT', `/v1/patients/${created.json.id}/`, { gender: 'female' });
    assert.equal(updated.status, 200);
    const read = await api.call('GET', `/v1/patients/${created.json.id}/`);
    assert.equal(read.json.gender, 'female');
    assert.equal(read.json.name[0].given[0], 'Renée');
    const foreign = await api.call('PUT', `/v1/patients/${created.json.id}/`, {
      meta: { tag: [{ code: 'agencyId', display: '999' }] },
    });
    assert.deepEqual(foreign.json, { error: 'Access denied. Invalid agencyId.' });
    const missing = await api.call('POST', '/v1/patients/', { resourceType: 'Patient' });
    assert.equal(missing.status, 422);
  } finally {
    api.sim.control.setProfile('feb-2026');
  }
});

test('a patient or caregiver created in the office gets a new id and replaces nobody', async () => {
  const before = api.sim.control.data.patients().length;
  const existingIds = new Set(api.sim.control.data.patients().map((p) => String(p.id)));
  const created = api.sim.control.createPatient({ name: [{ family: 'Newman', given: ['Ada'] }] });
  assert.ok(!existingIds.has(String(created.id)), `id ${created.id} was already taken`);
  assert.equal(api.sim.control.data.patients().length, before + 1);
  const caregiver = api.sim.control.createPractitioner({ name: [{ family: 'Okafor', given: ['Ngozi'] }] });
  assert.equal(
    api.sim.control.data.practitioners().filter((p) => String(p.id) === String(caregiver.id)).length,
    1,
  );
});
