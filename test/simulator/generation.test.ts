import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { startSimulator } from '../../src/simulator/index.ts';
import { fetchToken, NOW } from './helpers.ts';

async function fingerprint(seed: number): Promise<string> {
  const sim = await startSimulator({ seed, clients: 60, caregivers: 25, now: () => NOW });
  try {
    const d = sim.control.data;
    const hash = createHash('sha256');
    hash.update(JSON.stringify(d.patients()));
    hash.update(JSON.stringify(d.practitioners()));
    for (const p of d.patients()) {
      hash.update(JSON.stringify(d.relatedPersons(p.id)));
      hash.update(
        JSON.stringify(d.appointmentsFor({ clientId: p.id, from: '2026-01-12', to: '2026-04-12' })),
      );
    }
    hash.update(JSON.stringify(d.encounters()));
    return hash.digest('hex');
  } finally {
    await sim.close();
  }
}

test('the same seed and clock generate byte-identical data; another seed does not', async () => {
  const a = await fingerprint(42);
  const b = await fingerprint(42);
  const c = await fingerprint(43);
  assert.equal(a, b);
  assert.notEqual(a, c);
});

// Speed is measured by `npm run bench`, never asserted here (a loaded CI machine is not a benchmark).
test('an agency of 5,000 clients, 2,000 caregivers and 13 weeks is generated and answers every kind of search', async () => {
  const sim = await startSimulator({ clients: 5000, caregivers: 2000, weeks: 13, now: () => NOW });
  try {
    assert.equal(sim.control.data.patients().length, 5000);
    assert.equal(sim.control.data.practitioners().length, 2000);
    const token = await fetchToken(sim);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const call = async (path: string, body?: unknown) => {
      const res = await fetch(`${sim.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await res.json()) as { totalRecords?: number };
      return { status: res.status, json };
    };
    const [hf] = sim.control.data.highFrequencyClients();
    const mobile = sim.control.data.practitioners()[1500]?.telecom?.[0]?.value;
    const checks = [
      await call('/v1/patients/?last_name:contains=ng&_count=100'),
      await call('/v1/patients/_search/?_count=100&_page=40', { gender: 'female' }),
      await call(`/v1/practitioners/?mobile_phone=${mobile}`),
      await call(`/v1/appointment/?clientId=${hf}&monthNo=202602&_count=100`),
      await call('/v1/appointment/?caregiverId=100100&weekNo=202607'),
      await call('/v1/encounter/_search/?_count=100', {
        caregiverId: '100100',
        startDate: '20260101',
        endDate: '20260331',
      }),
    ];
    for (const c of checks) {
      assert.equal(c.status, 200);
    }
    assert.equal(checks[2]?.json.totalRecords, 1);
    assert.ok((checks[3]?.json.totalRecords ?? 0) > 100);
  } finally {
    await sim.close();
  }
});
