import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startSimulator } from '../../src/simulator/index.ts';
import { type Api, NOW, raw, startApi } from './helpers.ts';

let api: Api;
before(async () => {
  api = await startApi({ clients: 30, caregivers: 15 });
});
after(() => api.close());

const digest = (header: string) => createHash('sha256').update(header).digest('base64');

test('the token endpoint answers the exact Apigee shape for a JSON body', async () => {
  const res = await raw(`${api.sim.url}/oauth/accesstoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: 'demo-client',
      client_secret: 'demo-secret',
    }),
  });
  assert.equal(res.status, 200);
  const body = res.json;
  assert.deepEqual(Object.keys(body).sort(), [
    'access_token',
    'client_id',
    'expires_in',
    'issued_at',
    'refresh_count',
    'refresh_token_expires_in',
    'scope',
    'status',
    'token_type',
  ]);
  assert.match(body.access_token, /^[0-9a-f]{32}$/);
  assert.equal(body.expires_in, '3599');
  assert.equal(body.refresh_count, '0');
  assert.equal(body.refresh_token_expires_in, '0');
  assert.equal(body.issued_at, Math.floor(NOW.getTime() / 1000));
  assert.equal(body.token_type, 'BearerToken');
  assert.equal(body.scope, '');
  assert.equal(body.status, 'approved');
  assert.equal(body.client_id, 'demo-client');
});

test('the token endpoint accepts a form-encoded body', async () => {
  const res = await raw(`${api.sim.url}/oauth/accesstoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret',
  });
  assert.equal(res.status, 200);
  assert.match(res.json.access_token, /^[0-9a-f]{32}$/);
  assert.equal(typeof res.json.issued_at, 'number');
});

test('wrong credentials answer 401 invalid_client', async () => {
  const res = await raw(`${api.sim.url}/oauth/accesstoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=demo-client&client_secret=nope',
  });
  assert.equal(res.status, 401);
  assert.equal(res.json.error, 'invalid_client');
  assert.equal(typeof res.json.error_description, 'string');
});

test('an unknown route answers the gateway 403 with the header digest', async () => {
  const header = `Bearer ${api.token}`;
  const wrong: [string, string][] = [
    ['GET', '/v1/Patient'],
    ['GET', '/v1/Practitioner'],
    ['GET', '/v1/Appointment'],
    ['GET', '/v1/appointments/'],
    ['GET', '/v1/patients'], // missing trailing slash
    ['GET', '/v1/patients/900001'], // missing trailing slash on a detail path
    ['GET', '/v1/v1/patients/'],
    ['GET', '/v1/encounter/_search/'], // wrong method on a POST-only route
    ['DELETE', '/v1/adminTasks/'],
    ['POST', '/v1/patients/900001/notes/'],
    ['POST', '/v1/communication/'],
    ['POST', '/v1/admintask/'],
    ['POST', '/v1/documentreference/'],
    ['POST', '/v1/documentreferences/'],
    ['POST', '/visits/1/clockin'],
    ['GET', '/v1/patients/abc/'], // ids are numeric
    ['GET', '/v1/profileTags/'], // no GET on the collection (facts [3P])
    ['GET', '/v1/clients/900001/care-plan/'],
  ];
  for (const [method, path] of wrong) {
    const res = await api.call(method, path, method === 'GET' || method === 'DELETE' ? undefined : {});
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.deepEqual(
      res.json,
      {
        message: `Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${digest(header)}'.`,
      },
      `${method} ${path}`,
    );
  }
});

test('the digest follows the header value, whatever the scheme', async () => {
  for (const header of ['BearerToken abc', 'Bearer token=abc', 'garbage']) {
    const res = await raw(`${api.sim.url}/v1/Patient`, { headers: { authorization: header } });
    assert.equal(res.status, 403);
    assert.ok(res.json.message.endsWith(`'${digest(header)}'.`), header);
  }
});

test('an unknown route without an Authorization header says Missing Authentication Token', async () => {
  for (const [method, path] of [
    ['POST', '/v1/oauth/accesstoken'],
    ['GET', '/v1/Patient'],
    ['GET', '/oauth/accesstoken'],
  ] as const) {
    const res = await raw(`${api.sim.url}${path}`, { method });
    assert.equal(res.status, 403, path);
    assert.deepEqual(res.json, { message: 'Missing Authentication Token' });
  }
});

test('a valid route without a valid Bearer token answers 401 Unauthorized', async () => {
  const headers: (Record<string, string> | undefined)[] = [
    undefined,
    { authorization: `BearerToken ${api.token}` },
    { authorization: `Bearer token=${api.token}` },
    { authorization: `Bearer  ${api.token}` },
    { authorization: 'Bearer 0123456789abcdef0123456789abcdef' },
  ];
  for (const h of headers) {
    const res = await raw(`${api.sim.url}/v1/patients/`, h ? { headers: h } : {});
    assert.equal(res.status, 401, JSON.stringify(h));
    assert.deepEqual(res.json, { message: 'Unauthorized' });
  }
});

test('revoked tokens answer 401 and a fresh token works again', async () => {
  const local = await startApi({ clients: 5, caregivers: 3 });
  try {
    assert.equal((await local.call('GET', '/v1/patients/')).status, 200);
    local.sim.control.revokeTokens();
    assert.equal((await local.call('GET', '/v1/patients/')).status, 401);
    const again = await raw(`${local.sim.url}/__sim/tokens/revoke`, { method: 'POST' });
    assert.equal(again.status, 200);
  } finally {
    await local.close();
  }
});

test('a token expires after its real lifetime although the response says 3599', async () => {
  let now = NOW.getTime();
  const local = await startApi({
    clients: 5,
    caregivers: 3,
    tokenLifetimeSeconds: 600,
    now: () => new Date(now),
  });
  try {
    assert.equal((await local.call('GET', '/v1/locations/')).status, 200);
    now += 601_000;
    assert.equal((await local.call('GET', '/v1/locations/')).status, 401);
  } finally {
    await local.close();
  }
});

test('the locations search works with and without the trailing slash', async () => {
  for (const path of ['/v1/locations/_search', '/v1/locations/_search/']) {
    const res = await api.call('POST', path, {});
    assert.equal(res.status, 200, path);
    assert.equal(res.json.totalRecords, 2);
  }
});

test('the profileTags collection GET exists only under its quirk switch', async () => {
  api.sim.control.setQuirks({ profileTagsListRoute: true });
  try {
    const res = await api.call('GET', '/v1/profileTags/');
    assert.equal(res.status, 200);
    assert.ok(res.json.totalRecords >= 15);
  } finally {
    api.sim.control.setQuirks({ profileTagsListRoute: false });
  }
});

test('organizations come back as one unpaged bundle with the agency', async () => {
  const res = await api.call('GET', '/v1/organizations/?_count=0');
  assert.equal(res.status, 200);
  assert.equal(res.json.entry[0].resource.id, api.sim.agencyId);
});

test('legacy-host mode answers 404 HTML for every path', async () => {
  const legacy = await startSimulator({ legacy: true, clients: 2, caregivers: 2, now: () => NOW });
  try {
    for (const path of [
      '/connect/token',
      '/api/v1/token',
      '/api/v1/agencies/1001/clients',
      '/v1/patients/',
    ]) {
      const res = await raw(`${legacy.url}${path}`);
      assert.equal(res.status, 404);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
      assert.match(res.text, /Page Not Found/);
    }
  } finally {
    await legacy.close();
  }
});

test('stats count requests per route, token requests and gateway 403s', async () => {
  const local = await startApi({ clients: 5, caregivers: 3 });
  try {
    await local.call('GET', '/v1/patients/');
    await local.call('GET', '/v1/patients/900001/');
    await local.call('GET', '/v1/Patient');
    const stats = local.sim.control.stats();
    assert.equal(stats.byRoute['GET /v1/patients/'], 1);
    assert.equal(stats.byRoute['GET /v1/patients/{id}/'], 1);
    assert.equal(stats.tokenRequests, 1);
    assert.equal(stats.gateway403, 1);
    const http = await raw(`${local.sim.url}/__sim/stats`);
    assert.equal(http.json.byStatus['200'], 3);
    await raw(`${local.sim.url}/__sim/stats/reset`, { method: 'POST' });
    assert.equal(local.sim.control.stats().total, 0);
  } finally {
    await local.close();
  }
});

test('close is idempotent and releases keep-alive sockets', async () => {
  const local = await startApi({ clients: 2, caregivers: 2 });
  await local.call('GET', '/v1/locations/');
  await Promise.all([local.close(), local.close()]);
  await local.close();
});
