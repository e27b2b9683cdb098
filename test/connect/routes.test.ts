import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nearestRoute, ROUTES, route } from '../../src/connect/routes.ts';

test('every known route ends in a slash except the host-root token path', () => {
  for (const [name, spec] of Object.entries(ROUTES)) {
    const path = spec.split(' ')[1]!;
    if (name === 'token') assert.equal(path, '/oauth/accesstoken');
    else assert.ok(path.startsWith('/v1/') && path.endsWith('/'), `${name}: ${path}`);
  }
});

test('the trap spellings are built in: singular appointment, camelCase adminTasks and documentReferences', () => {
  assert.equal(route('appointmentsList').path, '/v1/appointment/');
  assert.equal(route('adminTaskCreate').path, '/v1/adminTasks/');
  assert.equal(route('documentCreate').path, '/v1/documentReferences/');
  assert.equal(route('taskLogCreate', { encounterId: '55' }).path, '/v1/encounter/55/tasklog/');
});

test('a non-numeric id is refused before it can become a gateway 403', () => {
  assert.throws(() => route('patientGet', { id: '../x' }), /numeric/);
  assert.throws(() => route('patientGet', {}), /needs id/);
});

test('the nearest known route is named for common misspellings', () => {
  assert.equal(nearestRoute('GET', '/v1/appointments/'), 'GET /v1/appointment/');
  assert.equal(nearestRoute('GET', '/v1/Patient'), 'GET /v1/patients/');
  assert.equal(nearestRoute('POST', '/v1/admintask/'), 'POST /v1/adminTasks/');
  assert.equal(
    nearestRoute('POST', '/v1/encounter/123/tasklog'),
    'POST /v1/encounter/{encounterId}/tasklog/',
  );
  assert.equal(nearestRoute('POST', '/v1/documentreference/'), 'POST /v1/documentReferences/');
});
