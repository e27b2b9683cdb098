import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { AppointmentWire } from '../../src/connect/wire/index.ts';
import { type Api, startApi } from './helpers.ts';

let api: Api;
let future: AppointmentWire;
let clientId: string;
before(async () => {
  api = await startApi({ clients: 80, caregivers: 40 });
  const data = api.sim.control.data;
  for (const p of data.patients()) {
    const next = data
      .appointmentsFor({ clientId: p.id, from: '2026-02-16', to: '2026-02-22' })
      .find((a) => a.caregiver && Number(a.start.slice(11, 13)) >= 13);
    if (next) {
      future = next;
      clientId = String(p.id);
      break;
    }
  }
  assert.ok(future);
});
after(() => api.close());

test('clock-in creates the visit once and returns the same encounter when repeated', async () => {
  const body = { resourceType: 'Encounter', period: { start: future.start.replace('+00:00', 'Z') } };
  const first = await api.call('POST', `/v1/encounter/${future.id}/clockin/`, body);
  assert.equal(first.status, 200);
  assert.deepEqual(Object.keys(first.json).sort(), [
    'clockedOut',
    'id',
    'period',
    'resourceType',
    'status',
    'success',
  ]);
  assert.equal(first.json.clockedOut, false);
  assert.equal(typeof first.json.id, 'number');
  assert.deepEqual(first.json.period, { start: future.start, end: null });
  assert.equal(first.json.resourceType, 'Encounter');
  assert.equal(first.json.status, 'IN_PROGRESS');
  assert.equal(first.json.success, true);
  const again = await api.call('POST', `/v1/encounter/${future.id}/clockin/`, body);
  assert.equal(again.json.id, first.json.id);
  const events = api.sim.control.clockIns().filter((e) => e.encounterId === first.json.id);
  assert.deepEqual(
    events.map((e) => e.created),
    [true, false],
  );
  assert.equal(
    'position' in ((events[0]?.body ?? {}) as object),
    false,
    'no position recorded when none was sent',
  );
});

test('clock-in records the position exactly as sent', async () => {
  const other = api.sim.control.data
    .appointmentsFor({ clientId, from: '2026-02-23', to: '2026-03-01' })
    .find((a) => a.caregiver) as AppointmentWire;
  const position = { latitude: 39.73915, longitude: -104.9847 };
  const res = await api.call('POST', `/v1/encounter/${other.id}/clockin/`, {
    resourceType: 'Encounter',
    period: { start: other.start },
    position,
  });
  assert.equal(res.status, 200);
  const event = api.sim.control.clockIns().find((e) => e.encounterId === res.json.id);
  assert.deepEqual((event?.body as { position?: unknown } | undefined)?.position, position);
});

test('clock-in on an unknown or non-appointment id answers 404 and a bad body 422', async () => {
  for (const id of ['12345', '900001', '500000001']) {
    const res = await api.call('POST', `/v1/encounter/${id}/clockin/`, {
      resourceType: 'Encounter',
      period: { start: future.start },
    });
    assert.equal(res.status, 404, id);
    assert.deepEqual(res.json, { error: 'Resource not found' });
  }
  const bad = await api.call('POST', `/v1/encounter/${future.id}/clockin/`, { period: {} });
  assert.equal(bad.status, 422);
});

test('clock-out is idempotent and refuses appointment ids with 404', async () => {
  const clockIn = await api.call('POST', `/v1/encounter/${future.id}/clockin/`, {
    resourceType: 'Encounter',
    period: { start: future.start },
  });
  const encounterId = clockIn.json.id;
  const body = {
    resourceType: 'Encounter',
    period: { end: future.end },
    generalComment: 'All good',
    mileage: 4.2,
  };
  const wrong = await api.call('PUT', `/v1/encounter/${future.id}/clockout/`, body);
  assert.equal(wrong.status, 404);
  const out = await api.call('PUT', `/v1/encounter/${encounterId}/clockout/`, body);
  assert.deepEqual(out.json, { success: true });
  const again = await api.call('PUT', `/v1/encounter/${encounterId}/clockout/`, {
    ...body,
    period: { end: '2026-02-20T23:00:00Z' },
  });
  assert.deepEqual(again.json, { success: true });
  const visit = await api.call('GET', `/v1/encounter/${encounterId}/`);
  assert.equal(visit.json.period.end, future.end);
  assert.equal(visit.json.status, 'COMPLETE');
  const reclock = await api.call('POST', `/v1/encounter/${future.id}/clockin/`, {
    resourceType: 'Encounter',
    period: { start: future.start },
  });
  assert.equal(reclock.json.clockedOut, true);
  assert.equal(reclock.json.period.end, future.end);
});

test('encounter search returns past visits in the WellSky read shape', async () => {
  const res = await api.call('POST', '/v1/encounter/_search/?_sort=-startDate', {
    clientId,
    startDate: '20260112',
    endDate: '20260211',
  });
  assert.equal(res.status, 200);
  assert.ok(res.json.totalRecords > 0);
  assert.ok(res.json.entry.length <= 30);
  const visit = res.json.entry[0].resource;
  assert.equal(visit.resourceType, 'Encounter');
  assert.equal(visit.status, 'COMPLETE');
  assert.match(visit.subject.reference, /^Patient\/\d+$/);
  assert.match(visit.participant.Individual[0].reference, /^Practitioner\/\d+$/);
  assert.match(visit.appointment.reference, /^Appointment\/7\d{7}$/);
  assert.equal(typeof visit.rates.payRate[0].amount, 'number');
  const starts = res.json.entry.map(
    (e: { resource: { period: { start: string } } }) => e.resource.period.start,
  );
  assert.deepEqual(starts, [...starts].sort().reverse());
  const none = await api.call('POST', '/v1/encounter/_search/', {
    startDate: '20260101',
    endDate: '20260201',
  });
  assert.equal(none.status, 400);
  assert.equal(typeof none.json.error, 'string');
});

test('task logs are created on an encounter and listed with total and bare entries', async () => {
  api.sim.control.setQuirks({ encounterRejectsTaskLog: false });
  try {
    const visits = api.sim.control.data.encounters({ clientId });
    const encounterId = visits[0]?.id as string;
    const note = {
      resourceType: 'TaskLog',
      title: 'Care alert',
      description: 'Client reported dizziness',
      status: 'COMPLETE',
      recorded: '2026-02-12T16:00:00Z',
      show_in_family_room: false,
    };
    const created = await api.call('POST', `/v1/encounter/${encounterId}/tasklog/`, note);
    assert.equal(created.status, 200);
    assert.equal(created.json.success, true);
    assert.equal(typeof created.json.taskLogId, 'number');
    const list = await api.call('GET', `/v1/encounter/${encounterId}/tasklog/`);
    assert.deepEqual(Object.keys(list.json).sort(), ['entry', 'resourceType', 'total', 'type']);
    assert.equal(list.json.total, 1);
    assert.equal(list.json.entry[0].id, String(created.json.taskLogId));
    assert.equal(list.json.entry[0].title, 'Care alert');
    const logs = api.sim.control.taskLogs();
    assert.equal(logs.at(-1)?.encounterId, Number(encounterId));
    const onAppointment = await api.call('POST', `/v1/encounter/${future.id}/tasklog/`, note);
    assert.equal(onAppointment.status, 404);
    const invalid = await api.call('POST', `/v1/encounter/${encounterId}/tasklog/`, { title: 'x' });
    assert.equal(invalid.status, 422);
  } finally {
    api.sim.control.setQuirks({ encounterRejectsTaskLog: true });
  }
});

test('some encounters refuse task logs with success:false under the quirk', async () => {
  const note = {
    resourceType: 'TaskLog',
    title: 'Shift note',
    description: 'x',
    status: 'COMPLETE',
    recorded: '2026-02-12T16:00:00Z',
    show_in_family_room: true,
  };
  const visits = api.sim.control.data.encounters();
  let refused: string | undefined;
  for (const v of visits.slice(0, 200)) {
    const res = await api.call('POST', `/v1/encounter/${v.id}/tasklog/`, note);
    if (res.json.success === false) {
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, { success: false, error: 'Unable to add task log to this encounter' });
      refused = String(v.id);
      break;
    }
  }
  assert.ok(refused, 'one of 200 encounters refuses');
  api.sim.control.setQuirks({ encounterRejectsTaskLog: false });
  try {
    const res = await api.call('POST', `/v1/encounter/${refused}/tasklog/`, note);
    assert.equal(res.json.success, true);
  } finally {
    api.sim.control.setQuirks({ encounterRejectsTaskLog: true });
  }
});

test('a shift task can be ticked, and NOT_COMPLETE needs a comment', async () => {
  const visit = api.sim.control.data.encounters({ clientId })[0];
  const appointmentId = visit?.appointment?.reference.split('/')[1] as string;
  const appointment = await api.call('GET', `/v1/appointment/${appointmentId}/`);
  const taskId = appointment.json.tasks[0].id;
  const ok = await api.call('PUT', `/v1/encounter/${visit?.id}/task/${taskId}/`, {
    resourceType: 'Task',
    status: 'COMPLETE',
  });
  assert.deepEqual(ok.json, { success: true });
  const bad = await api.call('PUT', `/v1/encounter/${visit?.id}/task/${taskId}/`, {
    resourceType: 'Task',
    status: 'NOT_COMPLETE',
  });
  assert.equal(bad.status, 422);
});

test('direct encounter writes are refused in feb-2026 with the explicit deny before any validation', async () => {
  const res = await api.call('POST', '/v1/encounter/', {});
  assert.equal(res.status, 403);
  assert.deepEqual(res.json, {
    Message: 'User is not authorized to access this resource with an explicit deny',
  });
});
