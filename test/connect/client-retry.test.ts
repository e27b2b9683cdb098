import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ConnectError } from '../../src/connect/errors.ts';
import { collect } from '../../src/connect/paging.ts';
import { clientFor, recordingSleep, simulator } from '../helpers/sim.ts';

describe('retries under injected faults', async () => {
  const sim = await simulator({ caregivers: 250, clients: 40, weeks: 3, rateLimit: 5000, profile: 'full' });
  const everyone = sim.control.data.practitioners().length;

  test('reads survive a 30 % share of 5xx answers and still return every record once', async () => {
    const { sleep, delays } = recordingSleep();
    const client = clientFor(sim, { sleep, config: { rateLimitPerSecond: 1000, maxRetries: 8 } });
    sim.control.resetStats();
    sim.control.setFaults({ errorRate: 0.3 });
    try {
      const all = await collect(client.practitioners.list());
      assert.equal(all.length, everyone);
      assert.equal(new Set(all.map((p) => p.id)).size, everyone);
      assert.ok(delays.length > 0, 'some attempts were retried');
      assert.ok(
        delays.every((d) => d >= 0 && d <= 8000),
        'backoff is capped',
      );
    } finally {
      sim.control.setFaults({ errorRate: 0 });
    }
  });

  test('reads survive dropped connections', async () => {
    const { sleep } = recordingSleep();
    const client = clientFor(sim, { sleep, config: { rateLimitPerSecond: 1000, maxRetries: 8 } });
    sim.control.setFaults({ dropRate: 0.25 });
    try {
      const all = await collect(client.practitioners.list());
      assert.equal(all.length, everyone);
    } finally {
      sim.control.setFaults({ dropRate: 0 });
    }
  });

  test('429 answers are retried after the Retry-After the server asked for', async () => {
    const { sleep, delays } = recordingSleep();
    const client = clientFor(sim, { sleep, config: { rateLimitPerSecond: 1000, maxRetries: 8 } });
    sim.control.setFaults({ force429Rate: 0.5, retryAfterSeconds: 2 });
    try {
      const page = await client.practitioners.searchPage({}, 0, 5);
      assert.equal(page.resources.length, 5);
      for (let i = 0; i < 10; i++) await client.practitioners.searchPage({}, 0, 1);
      assert.ok(delays.includes(2000), `delays were ${delays.join(', ')}`);
    } finally {
      sim.control.setFaults({ force429Rate: 0, retryAfterSeconds: null });
    }
  });

  test('a note write that meets a 5xx is not re-sent, and says its outcome is unknown', async () => {
    const client = clientFor(sim, { config: { rateLimitPerSecond: 1000 } });
    const visit = sim.control.data.encounters()[0]!;
    sim.control.resetStats();
    sim.control.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      await assert.rejects(
        client.encounters.addTaskLog(String(visit.id), {
          resourceType: 'TaskLog',
          title: 'Test',
          description: 'A note',
          status: 'COMPLETE',
          recorded: '2026-03-02T15:00:00Z',
          show_in_family_room: false,
        }),
        (error: unknown) => {
          assert.ok(error instanceof ConnectError);
          assert.equal(error.kind, 'server');
          assert.equal(error.outcomeUnknown, true);
          return true;
        },
      );
      const posts = Object.entries(sim.control.stats().byRoute).filter(
        ([route]) => route.startsWith('POST') && route.includes('tasklog'),
      );
      assert.equal(
        posts.reduce((sum, [, n]) => sum + n, 0),
        1,
        'exactly one POST reached the simulator',
      );
    } finally {
      sim.control.setFaults({ errorRate: 0, errorStatus: null });
    }
  });

  test('a persistent outage ends in a server error after the configured retries', async () => {
    const { sleep, delays } = recordingSleep();
    const client = clientFor(sim, { sleep, config: { rateLimitPerSecond: 1000, maxRetries: 3 } });
    sim.control.setFaults({ errorRate: 1, errorStatus: 502 });
    try {
      await assert.rejects(client.practitioners.searchPage({}, 0, 1), (error: unknown) => {
        assert.ok(error instanceof ConnectError);
        assert.equal(error.kind, 'server');
        assert.equal(error.status, 502);
        return true;
      });
      assert.equal(delays.length, 3);
    } finally {
      sim.control.setFaults({ errorRate: 0, errorStatus: null });
    }
  });
});
