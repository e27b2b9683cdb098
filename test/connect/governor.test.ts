import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateGovernor } from '../../src/connect/governor.ts';

/** A virtual clock: sleeping advances time, so the test checks the schedule, not the machine's speed. */
function virtualClock() {
  let now = 0;
  const advance = (ms: number) => {
    now += ms;
  };
  return { now: () => now, sleep: async (ms: number) => advance(ms), advance };
}

test('no one-second window ever holds more requests than the rate plus the burst', async () => {
  const clock = virtualClock();
  const governor = createRateGovernor({ ratePerSecond: 90, burst: 9, now: clock.now, sleep: clock.sleep });
  const sent: number[] = [];
  for (let i = 0; i < 1000; i++) {
    await governor.acquire();
    sent.push(clock.now());
    if (i % 97 === 0) clock.advance(400); // idle gaps must not bank a burst above the ceiling
  }
  for (let i = 0; i < sent.length; i++) {
    const windowEnd = sent[i]! + 1000;
    let count = 0;
    for (let j = i; j < sent.length && sent[j]! < windowEnd; j++) count++;
    assert.ok(count <= 99, `window starting at ${sent[i]} ms held ${count} requests`);
  }
});

test('sustained throughput is the configured rate', async () => {
  const clock = virtualClock();
  const governor = createRateGovernor({ ratePerSecond: 90, now: clock.now, sleep: clock.sleep });
  for (let i = 0; i < 900; i++) await governor.acquire();
  const seconds = clock.now() / 1000;
  assert.ok(seconds > 9.7 && seconds < 10.1, `900 requests took ${seconds} s`);
});
