import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Faults } from '../../src/simulator/index.ts';
import { raw, startApi } from './helpers.ts';

test('the rate limit answers 429 Too Many Requests without Retry-After by default', async () => {
  // The limiter's clock held still: 25 requests at one instant against 10/s, however slow the machine.
  const api = await startApi({ clients: 5, caregivers: 3, rateLimit: 10, rateClock: () => 0 });
  try {
    const answers = await Promise.all(Array.from({ length: 25 }, () => api.call('GET', '/v1/locations/')));
    const limited = answers.filter((a) => a.status === 429);
    assert.equal(limited.length, 15, 'a full bucket of 10, then every request refused');
    assert.deepEqual(limited[0]?.json, { message: 'Too Many Requests' });
    assert.equal(limited[0]?.headers.get('retry-after'), null);
    assert.equal(api.sim.control.stats().rateLimited, 15);
    api.sim.control.setFaults({ retryAfterSeconds: 2 });
    const more = await Promise.all(Array.from({ length: 15 }, () => api.call('GET', '/v1/locations/')));
    assert.equal(more.find((a) => a.status === 429)?.headers.get('retry-after'), '2');
  } finally {
    await api.close();
  }
});

async function statuses(faults: Partial<Faults>, n: number): Promise<(number | 'dropped')[]> {
  const api = await startApi({ clients: 5, caregivers: 3, seed: 7, faults, rateLimit: 1000 });
  try {
    const out: (number | 'dropped')[] = [];
    for (let i = 0; i < n; i++) {
      try {
        out.push((await api.call('GET', '/v1/locations/')).status);
      } catch {
        out.push('dropped');
      }
    }
    return out;
  } finally {
    await api.close();
  }
}

test('injected 5xx faults are deterministic for a seed and rotate 500/502/503', async () => {
  const a = await statuses({ errorRate: 0.4 }, 40);
  const b = await statuses({ errorRate: 0.4 }, 40);
  assert.deepEqual(a, b);
  const failures = a.filter((s) => s !== 200);
  assert.ok(failures.length > 5 && failures.length < 30, String(failures.length));
  assert.deepEqual([...new Set(failures)].sort(), [500, 502, 503]);
});

test('error bodies match the gateway and backend forms, and errorStatus pins one', async () => {
  const api = await startApi({ clients: 5, caregivers: 3, faults: { errorRate: 1, errorStatus: 502 } });
  try {
    const res = await api.call('GET', '/v1/locations/');
    assert.equal(res.status, 502);
    assert.deepEqual(res.json, { message: 'Internal server error' });
    api.sim.control.setFaults({ errorStatus: 503 });
    assert.deepEqual((await api.call('GET', '/v1/locations/')).json, { message: 'Service Unavailable' });
    api.sim.control.setFaults({ errorStatus: 500 });
    const html = await api.call('GET', '/v1/locations/');
    assert.equal(html.status, 500);
    assert.match(html.text, /<html/);
    // Unknown routes are answered by the gateway before any backend fault.
    assert.equal((await api.call('GET', '/v1/Patient')).status, 403);
  } finally {
    await api.close();
  }
});

test('dropped requests destroy the socket, deterministically', async () => {
  const a = await statuses({ dropRate: 0.3 }, 20);
  const b = await statuses({ dropRate: 0.3 }, 20);
  assert.deepEqual(a, b);
  assert.ok(a.includes('dropped') && a.includes(200));
});

test('forced 429s and latency are injected from the control surface', async () => {
  const api = await startApi({ clients: 5, caregivers: 3 });
  try {
    const patch = await raw(`${api.sim.url}/__sim/config`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ faults: { force429Rate: 1, latencyMs: 60 } }),
    });
    assert.equal(patch.json.faults.force429Rate, 1);
    const started = performance.now();
    assert.equal((await api.call('GET', '/v1/locations/')).status, 429);
    assert.ok(performance.now() - started >= 55);
    api.sim.control.setFaults({ force429Rate: 0, latencyMs: 0, tokenLifetimeSeconds: 0 });
    assert.equal(
      (await api.call('GET', '/v1/locations/')).status,
      401,
      'a zero lifetime expires live tokens',
    );
  } finally {
    await api.close();
  }
});

test('a lost response still carries out the write: WellSky has the note although the caller saw an error', async () => {
  const api = await startApi({ clients: 5, caregivers: 3, seed: 3, profile: 'full' });
  try {
    const visit = api.sim.control.data.encounters()[0]!;
    api.sim.control.setFaults({ lostResponseRate: 1 });
    const body = {
      resourceType: 'TaskLog',
      title: 't',
      description: 'written although the answer is lost',
      status: 'COMPLETE',
      recorded: '2026-02-12T16:00:00Z',
      show_in_family_room: false,
    };
    await assert.rejects(api.call('POST', `/v1/encounter/${visit.id}/tasklog/`, body));
    api.sim.control.setFaults({ lostResponseRate: 0 });
    assert.equal(api.sim.control.taskLogs().filter((l) => l.description === body.description).length, 1);
  } finally {
    await api.close();
  }
});
