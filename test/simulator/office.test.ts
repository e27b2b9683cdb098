import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PROFILES } from '../../src/simulator/index.ts';
import { type Api, startApi } from './helpers.ts';

let api: Api;
before(async () => {
  api = await startApi({ clients: 20, caregivers: 10 });
});
after(() => api.close());

const taskBody = {
  resourceType: 'Task',
  status: 'received',
  description: 'Call-out: caregiver sick, please re-staff Friday 9:00',
  executionDate: '2026-02-12',
  dueDate: '2026-02-13T23:59:59',
  requester: [{ resourceType: 'Patient', id: 900001 }],
  owner: [],
  meta: { tag: [{ code: 'agencyId', display: '1001' }] },
};

const validDocument = {
  resourceType: 'DocumentReference',
  type: { text: 'General' },
  content: { attachment: { contentType: 'application/pdf', data: 'JVBERi0xLjQK', title: 'intake.pdf' } },
  context: { related: [{ ref: 'Patient/900001' }] },
  meta: { tag: [{ code: 'agencyId', display: '1001' }] },
};

test('an admin task with the Task-style body is created as status received', async () => {
  const res = await api.call('POST', '/v1/adminTasks/', taskBody);
  assert.equal(res.status, 201);
  assert.equal(res.json.resourceType, 'Task');
  assert.match(res.json.id, /^2\d{7}$/);
  assert.equal(res.json.status, 'received');
  const read = await api.call('GET', `/v1/adminTasks/${res.json.id}/`);
  assert.equal(read.json.description, taskBody.description);
  assert.equal(api.sim.control.adminTasks().length, 1);
});

test('an ad-hoc admin task body answers 422', async () => {
  const res = await api.call('POST', '/v1/adminTasks/', {
    title: 'Call client',
    status: 'pending',
    priority: 'high',
    due_date: '2026-02-13',
  });
  assert.equal(res.status, 422);
  assert.match(res.json.message, /^Unprocessable Entity: /);
});

test('document upload answers the §3.9 422 messages for missing fields', async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ ...validDocument, type: {} }, "'text' in 'type' is required."],
    [{ ...validDocument, context: undefined }, "'context' is required."],
    [
      { ...validDocument, content: { attachment: { title: 'x.pdf' } } },
      "'data', 'title' and 'contentType' are mandatory.",
    ],
    [{ ...validDocument, meta: { tag: [] } }, "'agencyId' is required."],
  ];
  for (const [body, message] of cases) {
    const res = await api.call('POST', '/v1/documentReferences/', body);
    assert.equal(res.status, 422, message);
    assert.deepEqual(res.json, { message });
  }
});

test('document upload fails with the HTML 500 for array content and for a valid payload (feb-2026)', async () => {
  for (const body of [{ ...validDocument, content: [validDocument.content] }, validDocument]) {
    const res = await api.call('POST', '/v1/documentReferences/', body);
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(res.text, /<h1>Server Error \(500\)<\/h1>/);
  }
  assert.ok(api.sim.control.documents().some((d) => d.outcome === 'failed-500'));
});

test('document upload stores a valid payload when the quirk is off (full profile)', async () => {
  api.sim.control.setProfile('full');
  try {
    const res = await api.call('POST', '/v1/documentReferences/', validDocument);
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.json).sort(), ['id', 'resourceType']);
    const read = await api.call('GET', `/v1/documentReferences/${res.json.id}/`);
    assert.equal(read.json.content.attachment.title, 'intake.pdf');
    const profile = await api.call('POST', '/v1/documentReferences/_profile/', {
      reference: 'Patient/900001',
    });
    assert.equal(profile.json.totalRecords, 1);
  } finally {
    api.sim.control.setProfile('feb-2026');
  }
});

test('a permission switched at run time turns the explicit deny into success', async () => {
  api.sim.control.setPermissions({ adminTasksWrite: false });
  const denied = await api.call('POST', '/v1/adminTasks/', taskBody);
  assert.equal(denied.status, 403);
  assert.deepEqual(denied.json, {
    Message: 'User is not authorized to access this resource with an explicit deny',
  });
  const probe = await api.call('POST', '/v1/adminTasks/', {});
  assert.equal(probe.status, 403, 'permission is checked before validation');
  await fetch(`${api.sim.url}/__sim/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ permissions: { adminTasksWrite: true } }),
  });
  const allowedProbe = await api.call('POST', '/v1/adminTasks/', {});
  assert.equal(allowedProbe.status, 422);
  const ok = await api.call('POST', '/v1/adminTasks/', taskBody);
  assert.equal(ok.status, 201);
});

test('permission is checked before id existence, so id 0 tells permitted from refused', async () => {
  api.sim.control.setPermissions({ clock: false });
  const refused = await api.call('POST', '/v1/encounter/0/clockin/', {});
  assert.equal(refused.status, 403);
  api.sim.control.setPermissions({ clock: true });
  const permitted = await api.call('POST', '/v1/encounter/0/clockin/', {});
  assert.equal(permitted.status, 404);
});

test('profiles: full permits everything, feb-2026 refuses direct appointment and encounter writes', async () => {
  assert.ok(Object.values(PROFILES.full.permissions).every(Boolean));
  assert.ok(Object.values(PROFILES.full.quirks).every((q) => !q));
  const feb = PROFILES['feb-2026'];
  assert.deepEqual(
    Object.entries(feb.permissions)
      .filter(([, v]) => !v)
      .map(([k]) => k)
      .sort(),
    ['appointmentsWrite', 'encountersWrite'],
  );
  assert.equal(feb.quirks.onePagedRoutes, false);
  assert.equal(feb.quirks.profileTagsListRoute, false);
  const config = (await (await fetch(`${api.sim.url}/__sim/config`)).json()) as { profile: string };
  assert.equal(config.profile, 'feb-2026');
});

test('subscriptions, profile tags, care plans, charge items and referral sources answer their shapes', async () => {
  const sub = await api.call('POST', '/v1/subscriptions/', {
    resourceType: 'Subscription',
    status: 'active',
    criteria: 'patient.created',
    channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:9/hook', header: ['X-Secret: s'] },
  });
  assert.equal(sub.status, 201);
  assert.deepEqual(Object.keys(sub.json).sort(), ['id', 'resourceType']);
  assert.equal(typeof sub.json.id, 'number');
  const list = await api.call('GET', '/v1/subscriptions/?criteria=patient.created');
  assert.equal(list.json.totalRecords, 1);
  const del = await api.call('DELETE', `/v1/subscriptions/${sub.json.id}/`);
  assert.equal(del.status, 200);

  const tag = await api.call('POST', '/v1/profileTags/', {
    name: 'Wound Care',
    type: 'skill',
    description: 'x',
  });
  assert.equal(typeof tag.json.id, 'string');
  assert.equal(tag.json.name, 'Wound Care');

  const adl = await api.call('GET', '/v1/careplan/activity-metadata/?agency_id=1001&activity_type=ADL');
  const ids = adl.json.entry.map((e: { resource: { id: string } }) => e.resource.id);
  assert.deepEqual(ids, ['31536', '31537', '31538', '31539', '31540', '31541']);
  const iadl = await api.call('GET', '/v1/careplan/activity-metadata/?activity_type=IADL');
  assert.equal(iadl.json.totalRecords, 10);
  const plan = await api.call('POST', '/v1/careplan/activity/900001/', {
    resourceType: 'CarePlan',
    status: 'active',
    activity: [
      {
        detail: {
          code: { coding: [{ code: 'activityId', display: '31547' }] },
          description: 'Preparing Meals',
          status: 'scheduled',
        },
      },
    ],
  });
  assert.equal(plan.status, 201);
  assert.equal(plan.json.resourceType, 'CarePlan');

  const charges = await api.call('POST', '/v1/chargeitem/_search/', {
    startDate: 20260112,
    endDate: 20260211,
  });
  assert.equal(charges.status, 400);
  const strings = await api.call('POST', '/v1/chargeitem/_search/', {
    startDate: '20260112',
    endDate: '20260211',
    clientId: '900001',
  });
  assert.equal(strings.status, 422, 'charge item search takes integers');

  const source = await api.call('POST', '/v1/referralsource/', { name: 'St. Joseph Hospital', typeId: 14 });
  const read = await api.call('GET', `/v1/referralsource/${source.json.id}/`);
  assert.equal(read.json.name, 'St. Joseph Hospital');
});
