import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type Api, startApi } from './helpers.ts';

let api: Api;
let clientId: string;
before(async () => {
  api = await startApi({ clients: 120, caregivers: 50 });
  // An ordinary client with at least two weekly series in February.
  const data = api.sim.control.data;
  const hf = new Set(data.highFrequencyClients());
  clientId = data
    .patients()
    .map((p) => String(p.id))
    .find(
      (id) =>
        !hf.has(id) &&
        data
          .appointmentsFor({ clientId: id, from: '2026-02-01', to: '2026-02-28' })
          .filter((a) => a.caregiver).length >= 8,
    ) as string;
  assert.ok(clientId);
});
after(() => api.close());

type Entry = {
  resource: { id: string; start: string; end: string; status: string; caregiver: { id: string } | null };
};

test('appointment search needs exactly one of clientId/caregiverId and one date selector', async () => {
  const cases: [string, number][] = [
    [`clientId=${clientId}&caregiverId=100001&startDate=20260209`, 400],
    ['startDate=20260209', 400],
    [`clientId=${clientId}`, 400],
    [`clientId=${clientId}&startDate=20260209&additionalDays=7`, 400],
    [`clientId=${clientId}&startDate=2026-02-09`, 400],
    [`clientId=${clientId}&startDate=20260209&monthNo=202602`, 400],
    [`clientId=${clientId}&weekNo=202654`, 400],
    [`clientId=${clientId}&startDate=20260209&additionalDays=6`, 200],
    [`clientId=${clientId}&weekNo=202607`, 200],
    [`clientId=${clientId}&monthNo=202602`, 200],
  ];
  for (const [query, status] of cases) {
    const res = await api.call('GET', `/v1/appointment/?${query}`);
    assert.equal(res.status, status, query);
    if (status === 400) assert.equal(typeof res.json.error, 'string', query);
  }
});

test('weekNo and startDate+additionalDays select the same local week', async () => {
  const week = await api.call('GET', `/v1/appointment/?clientId=${clientId}&weekNo=202607&_count=100`);
  const days = await api.call(
    'GET',
    `/v1/appointment/?clientId=${clientId}&startDate=20260209&additionalDays=6&_count=100`,
  );
  assert.deepEqual(week.json, days.json);
  assert.ok(week.json.totalRecords >= 2);
});

test('a recurring shift repeats its id on different dates, in UTC with +00:00', async () => {
  const res = await api.call('GET', `/v1/appointment/?clientId=${clientId}&monthNo=202602&_count=100`);
  const byId = new Map<string, string[]>();
  for (const e of res.json.entry as Entry[]) {
    assert.match(e.resource.start, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    byId.set(e.resource.id, [...(byId.get(e.resource.id) ?? []), e.resource.start]);
  }
  const [id, starts] = [...byId].find(([, s]) => s.length >= 4) ?? [];
  assert.ok(id && starts);
  assert.equal(new Set(starts.map((s) => s.slice(0, 10))).size, starts.length);
  assert.equal(
    new Set(starts.map((s) => s.slice(11))).size,
    1,
    'same UTC time within February (no DST change)',
  );
});

test('local shift times keep their wall clock across the DST change, so UTC moves an hour', () => {
  const list = api.sim.control.data.appointmentsFor({ clientId, from: '2026-03-01', to: '2026-03-14' });
  const first = list.find((a) => a.start < '2026-03-08');
  const later = list.find((a) => a.id === first?.id && a.start > '2026-03-09');
  assert.ok(first && later);
  const hour = (s: string) => Number(s.slice(11, 13));
  assert.equal((hour(first.start) - hour(later.start) + 24) % 24, 1);
});

test('past occurrences are COMPLETED, future ones SCHEDULED, open ones OPEN with caregiver null', async () => {
  const res = await api.call('GET', `/v1/appointment/?clientId=${clientId}&monthNo=202602&_count=100`);
  for (const e of res.json.entry as Entry[]) {
    const r = e.resource;
    if (r.caregiver === null) assert.equal(r.status, 'OPEN');
    else if (r.end <= '2026-02-12T17:00:00+00:00') assert.equal(r.status, 'COMPLETED');
    else if (r.start > '2026-02-12T17:00:00+00:00') assert.equal(r.status, 'SCHEDULED');
  }
  const data = api.sim.control.data;
  const all = data
    .patients()
    .flatMap((p) => data.appointmentsFor({ clientId: p.id, from: '2026-01-12', to: '2026-04-12' }));
  const open = all.filter((a) => a.caregiver === null && a.status === 'OPEN').length / all.length;
  assert.ok(open > 0.01 && open < 0.08, String(open));
});

test('a high-frequency client has more than 100 shifts in a month, reachable only by paging', async () => {
  const [hf] = api.sim.control.data.highFrequencyClients();
  const page0 = await api.call('GET', `/v1/appointment/?clientId=${hf}&monthNo=202602&_count=100&_page=0`);
  assert.ok(page0.json.totalRecords > 100, String(page0.json.totalRecords));
  assert.equal(page0.json.entry.length, 100);
  const page1 = await api.call('GET', `/v1/appointment/?clientId=${hf}&monthNo=202602&_count=100&_page=1`);
  assert.equal(page1.json.entry.length, page0.json.totalRecords - 100);
  const defaults = await api.call('GET', `/v1/appointment/?clientId=${hf}&monthNo=202602`);
  assert.equal(defaults.json.entry.length, 20);
});

test('no caregiver is ever double-booked', () => {
  const data = api.sim.control.data;
  for (const c of data.practitioners()) {
    const shifts = data.appointmentsFor({ caregiverId: c.id, from: '2026-01-12', to: '2026-04-12' });
    for (let i = 1; i < shifts.length; i++) {
      assert.ok((shifts[i - 1]?.end as string) <= (shifts[i]?.start as string), `caregiver ${c.id} overlaps`);
    }
  }
});

test('appointment entries carry only ids under the quirk and names without it', async () => {
  const quirky = await api.call('GET', `/v1/appointment/?clientId=${clientId}&weekNo=202607`);
  const staffed = (quirky.json.entry as Entry[]).find((e) => e.resource.caregiver)?.resource;
  assert.deepEqual(Object.keys(staffed?.caregiver ?? {}), ['id']);
  api.sim.control.setQuirks({ appointmentNamesMissing: false });
  try {
    const named = await api.call('GET', `/v1/appointment/?clientId=${clientId}&weekNo=202607`);
    const r = named.json.entry[0].resource;
    assert.equal(typeof r.client.name, 'string');
    assert.ok(r.client.name.length > 0);
  } finally {
    api.sim.control.setQuirks({ appointmentNamesMissing: true });
  }
});

test('POST appointment/_search/ is denied under the Feb 26 quirk while GET search works', async () => {
  const denied = await api.call('POST', '/v1/appointment/_search/', { clientId, monthNo: '202602' });
  assert.equal(denied.status, 403);
  assert.deepEqual(denied.json, {
    Message: 'User is not authorized to access this resource with an explicit deny',
  });
  api.sim.control.setQuirks({ appointmentSearchPostForbidden: false });
  try {
    const ok = await api.call('POST', '/v1/appointment/_search/?_count=100', {
      clientId,
      startDate: '20260209',
      additionalDays: '6',
    });
    assert.equal(ok.status, 200);
    const get = await api.call('GET', `/v1/appointment/?clientId=${clientId}&weekNo=202607&_count=100`);
    assert.deepEqual(ok.json, get.json);
  } finally {
    api.sim.control.setQuirks({ appointmentSearchPostForbidden: true });
  }
});

test('GET appointment/{id}/ answers the occurrence nearest to now', async () => {
  const week = await api.call('GET', `/v1/appointment/?clientId=${clientId}&weekNo=202607`);
  const id = week.json.entry[0].resource.id;
  const one = await api.call('GET', `/v1/appointment/${id}/`);
  assert.equal(one.status, 200);
  assert.equal(one.json.id, id);
  const distance = Math.abs(Date.parse(one.json.start) - Date.parse('2026-02-12T17:00:00Z'));
  assert.ok(distance <= 4 * 86_400_000);
});

test('a full-replacement PUT overrides only the addressed occurrence (full profile)', async () => {
  const list = await api.call('GET', `/v1/appointment/?clientId=${clientId}&monthNo=202603&_count=100`);
  const target = (list.json.entry as Entry[]).find((e) => e.resource.caregiver)
    ?.resource as Entry['resource'];
  const denied = await api.call('PUT', `/v1/appointment/${target.id}/`, {});
  assert.equal(denied.status, 403, 'appointment writes are refused in feb-2026');
  api.sim.control.setPermissions({ appointmentsWrite: true });
  try {
    const incomplete = await api.call('PUT', `/v1/appointment/${target.id}/`, {
      resourceType: 'Appointment',
      start: target.start,
    });
    assert.equal(incomplete.status, 422);
    const put = await api.call('PUT', `/v1/appointment/${target.id}/`, { ...target, caregiver: null });
    assert.equal(put.status, 200);
    const after = await api.call('GET', `/v1/appointment/?clientId=${clientId}&monthNo=202603&_count=100`);
    const same = (after.json.entry as Entry[]).filter((e) => e.resource.id === target.id);
    const changed = same.find((e) => e.resource.start === target.start)?.resource;
    assert.equal(changed?.caregiver, null);
    assert.equal(changed?.status, 'OPEN');
    assert.ok(
      same.filter((e) => e.resource.start !== target.start).some((e) => e.resource.caregiver !== null),
    );
  } finally {
    api.sim.control.setPermissions({ appointmentsWrite: false });
  }
});

test('office changes through the control surface show up in searches', async () => {
  const list = api.sim.control.data.appointmentsFor({ clientId, from: '2026-02-16', to: '2026-02-22' });
  const target = list.find((a) => Number(a.start.slice(11, 13)) >= 13);
  assert.ok(target);
  // Shifts start between 06:00 and 22:00 local, so the UTC date of the start is the local date here.
  const localDate = target.start.slice(0, 10);
  const res = await fetch(`${api.sim.url}/__sim/appointments/${target.id}/occurrences/${localDate}`, {
    method: 'DELETE',
  });
  assert.equal(res.status, 200);
  const after = api.sim.control.data.appointmentsFor({ clientId, from: '2026-02-16', to: '2026-02-22' });
  assert.equal(after.length, list.length - 1);
  const shift = api.sim.control.addOneOffShift({
    clientId,
    caregiverId: null,
    start: '2026-02-20T16:00:00Z',
    end: '2026-02-20T18:00:00Z',
  });
  assert.equal(shift.status, 'OPEN');
  const search = await api.call('GET', `/v1/appointment/?clientId=${clientId}&startDate=20260220`);
  assert.ok((search.json.entry as Entry[]).some((e) => e.resource.id === shift.id));
});
