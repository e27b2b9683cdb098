import { randomBytes } from 'node:crypto';
import { Messaging } from '../../src/messaging/messaging.ts';
import type { MessagingSettings } from '../../src/messaging/settings.ts';
import { startTwilioSimulator } from '../../src/simulator/twilio/index.ts';
import { openStore } from '../../src/store/index.ts';
import { type BenchSection, SMALL } from '../section.ts';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function timed(n: number, one: (i: number) => Promise<unknown>) {
  const times: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await one(i);
    times.push(performance.now() - t);
  }
  const seconds = (performance.now() - t0) / 1000;
  times.sort((a, b) => a - b);
  return {
    n,
    'p50 ms': percentile(times, 50).toFixed(1),
    'p99 ms': percentile(times, 99).toFixed(1),
    'per s': (n / seconds).toFixed(0),
  };
}

/** What one text costs Skybridge: store + claim + attempt + channel + outcome, on PostgreSQL, one at a time. */
export const messagingSection: BenchSection = {
  name: 'messaging',
  async run() {
    const n = SMALL ? 50 : 300;
    const store = await openStore({
      databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
      env: {},
    });
    const twilio = await startTwilioSimulator();
    const run = randomBytes(4).toString('hex');
    const base = { quietHours: null, timezone: 'America/Denver', noChannelReason: null };
    const build = (settings: Partial<MessagingSettings>) =>
      new Messaging({ store, settings: { ...base, channel: 'simulated', ...settings }, pollMs: 0 });
    const phone = (i: number) => `720${String(5550000 + (i % 9000)).padStart(7, '0')}`;
    const text = (key: string, i: number) => ({
      key,
      to: phone(i),
      body: 'Open shift Tue 9:00-13:00 in Lakewood. Reply YES to take it, NO to pass.',
      urgent: false,
      purpose: 'bench',
    });
    try {
      const simulated = build({});
      const viaTwilio = build({
        channel: 'twilio',
        twilio: {
          accountSid: twilio.accountSid,
          authToken: twilio.authToken,
          from: twilio.number,
          messagingServiceSid: undefined,
          publicUrl: 'https://skybridge.example.com',
          apiBaseUrl: twilio.url,
        },
      });
      simulated.registerInboundHandler(async () => ({ handled: true, action: 'bench' }));
      const rows = {
        'send, simulated channel': await timed(n, (i) => simulated.send(text(`bench:${run}:sim:${i}`, i))),
        'send again (same key)': await timed(n, (i) => simulated.send(text(`bench:${run}:sim:${i}`, i))),
        'send, Twilio SDK → local endpoint': await timed(n, (i) =>
          viaTwilio.send(text(`bench:${run}:tw:${i}`, i)),
        ),
        'receive + handler (no reply)': await timed(n, (i) =>
          simulated.receive({ from: phone(i), text: 'YES', providerMessageId: `bench:${run}:in:${i}` }),
        ),
      };
      console.table(rows);
    } finally {
      await twilio.close();
      await store.close();
    }
  },
};
