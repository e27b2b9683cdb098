import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Messaging } from '../../src/messaging/messaging.ts';
import { messagingSettings } from '../../src/messaging/settings.ts';
import { clockIn } from '../../src/operations/clock.ts';
import { WatchRepo } from '../../src/operations/watch/repo.ts';
import { DEFAULT_WATCH_SETTINGS } from '../../src/operations/watch/settings.ts';
import { Watch } from '../../src/operations/watch/watch.ts';
import { operationsOf } from '../../src/runtime/operations.ts';
import { wellskyScheduling } from '../../src/runtime/operations-wellsky.ts';
import type { WatchRuntime } from '../../src/runtime/watch.ts';
import type { Store } from '../../src/store/index.ts';
import { engines, type TestEngine } from '../helpers/stores.ts';
import { at, buildWatchScenario, type Person, type WatchScenario } from './scenario.ts';

const S = at('2026-02-12T17:30:00Z');
const plus = (minutes: number) => new Date(S.getTime() + minutes * 60_000);

for (const factory of engines) {
  describe(`the watch with two workers, clock-outs and client notices on ${factory.name}`, () => {
    let engine: TestEngine;
    let s: WatchScenario;
    let w: WatchRuntime;
    let second: Store;
    let stays: Person;
    let late: Person;
    let vic: Person;
    let quinn: Person;
    const crowd: Person[] = [];
    const shifts: Record<string, string> = {};
    const outbound = async (phone: string) =>
      (await s.app.messaging.list({ direction: 'outbound', phone })).filter(
        (m) => m.direction === 'outbound',
      );

    before(async () => {
      engine = await factory.create();
      s = await buildWatchScenario(await engine.open());
      stays = s.caregiver('Stella');
      late = s.caregiver('Lou');
      vic = s.caregiver('Vic');
      quinn = s.caregiver('Quinn');
      // Friday 05:30 Denver: inside the agency's quiet hours.
      shifts.quinn = s.shift(quinn.id, '2026-02-13T12:30:00Z', '2026-02-13T16:30:00Z');
      shifts.vic = s.shift(vic.id, '2026-02-12T19:00:00Z', '2026-02-12T21:00:00Z');
      for (const name of ['Ana', 'Bo', 'Cy', 'Di']) crowd.push(s.caregiver(name));
      shifts.stays = s.shift(stays.id, '2026-02-12T16:00:00Z', '2026-02-12T17:00:00Z');
      shifts.late = s.shift(late.id, '2026-02-12T18:30:00Z', '2026-02-12T20:30:00Z');
      for (const [i, p] of crowd.entries())
        shifts[`crowd${i}`] = s.shift(p.id, S.toISOString(), plus(120).toISOString());
      await s.sync();
      w = s.watch({ settings: { notifyClientLate: true } });
      // A second worker: its own connection pool on the same database (PGlite: the same embedded store).
      second = factory.name === 'postgres' ? await engine.open() : s.app.store;
    });
    after(async () => {
      const store = s?.app.store;
      if (second && second !== store) await second.close();
      await s?.close();
      await store?.close();
      await engine?.dispose();
    });

    it('reminds a caregiver still clocked in 20 min after the end, once', async () => {
      await clockIn(
        operationsOf(s.app),
        { shiftId: shifts.stays!, at: '2026-02-12T16:02:00Z' },
        at('2026-02-12T16:02:00Z'),
      );
      s.clock.set(at('2026-02-12T17:19:00Z'));
      await w.watch.tick();
      assert.equal((await outbound(stays.phone)).length, 0);
      for (const m of [20, 25, 40]) {
        s.clock.set(new Date(at('2026-02-12T17:00:00Z').getTime() + m * 60_000));
        await w.watch.tick();
      }
      const texts = await outbound(stays.phone);
      assert.equal(texts.length, 1);
      assert.equal(texts[0]!.purpose, 'clock-out-reminder');
      assert.match(texts[0]!.body, /ended at 10:00 AM.*clock out/);
    });

    it("tells the client's contact when the agency enabled it", async () => {
      s.clock.set(at('2026-02-12T18:10:00Z'));
      const got = await w.handler({
        messageId: 'in_l',
        from: late.phone,
        text: 'llego 20 min tarde',
        receivedAt: s.clock.now(),
      });
      assert.equal(got.handled, true);
      const notices = await outbound(s.contactPhone);
      assert.equal(notices.length, 1);
      assert.equal(notices[0]!.purpose, 'late-client-notice');
      assert.match(notices[0]!.body, /about 20 minutes late.*11:50 AM/);
      // The same report again (a re-dispatch) tells nobody twice.
      await w.handler({
        messageId: 'in_l',
        from: late.phone,
        text: 'llego 20 min tarde',
        receivedAt: s.clock.now(),
      });
      assert.equal((await outbound(s.contactPhone)).length, 1);
    });

    it('two workers ticking at the same instant act once: one holds the lease, the unique key stops the rest', async () => {
      const a = w.watch;
      const b = new Watch(
        w.ports,
        new WatchRepo(second.db),
        { ...DEFAULT_WATCH_SETTINGS },
        { holder: 'worker-b' },
      );
      // Both tick at once; A still holds the lease from its last tick, so B stands by.
      s.clock.set(plus(10));
      const [ra, rb] = await Promise.all([a.tick(), b.tick()]);
      assert.equal([ra, rb].filter((r) => r.ran).length, 1, 'exactly one worker ran');
      s.clock.set(plus(11));
      await Promise.all([a.tick(), b.tick()]);
      for (const p of crowd) {
        const texts = await outbound(p.phone);
        assert.equal(texts.length, 1, 'one text per caregiver');
      }
      const rows = await s.app.store.db
        .selectFrom('watch_actions')
        .select(['dedup_key'])
        .where('rule', '=', 'clock-in-text')
        .execute();
      assert.equal(new Set(rows.map((r) => r.dedup_key)).size, rows.length);
      // Beneath the lease, the claim alone keeps an action single: two workers claiming one key at once.
      const key = 'watch:clock-in-escalation:race';
      const claims = await Promise.all([
        a.repo.claim({ key, rule: 'clock-in-escalation', reason: 'race' }, plus(30)),
        b.repo.claim({ key, rule: 'clock-in-escalation', reason: 'race' }, plus(30)),
      ]);
      assert.equal(claims.filter((c) => c.created).length, 1);
      assert.equal(claims[0].row.id, claims[1].row.id);
    });
    it('the freshness tier reads a clock-in made outside Skybridge and a shift added after the sync', async () => {
      // Vic clocks in with WellSky's own app at 12:05; nobody tells Skybridge.
      await wellskyScheduling(s.app.client).clockIn(shifts.vic!, { start: '2026-02-12T19:05:00Z' });
      const added = s.shift(vic.id, '2026-02-13T19:00:00Z', '2026-02-13T20:00:00Z');
      s.clock.set(at('2026-02-12T19:11:00Z'));
      const pass = await w.nearTerm.refresh();
      assert.ok(pass.requests > 0 && pass.requests <= pass.allowance, JSON.stringify(pass));
      assert.equal(pass.clientsStale, 0);
      const r = await w.watch.tick();
      assert.ok(r.ran);
      assert.ok(!r.actions.some((a) => a.appointmentId === shifts.vic), 'no reminder: the clock-in was seen');
      const row = await s.app.store.db
        .selectFrom('shifts')
        .select('appointment_id')
        .where('appointment_id', '=', added)
        .executeTakeFirst();
      assert.ok(row, 'the new shift is in the mirror');
    });
    it('quiet hours defer the caregiver text (said as queued), never the escalation to staff', async () => {
      const quiet = new Messaging({
        store: s.app.store,
        settings: messagingSettings(
          { SKYBRIDGE_MESSAGING: 'simulated', SKYBRIDGE_QUIET_HOURS: '21:00-07:00' },
          { simulatedWellSky: true, timezone: s.app.timezone },
        ),
        now: s.clock.now,
      });
      const watch = new Watch(
        { ...w.ports, messenger: quiet },
        w.watch.repo,
        { ...DEFAULT_WATCH_SETTINGS },
        { holder: 'test-watch' },
      );
      s.clock.set(at('2026-02-13T12:40:00Z'));
      await watch.tick();
      s.clock.set(at('2026-02-13T12:55:00Z'));
      await watch.tick();
      const rows = await s.app.store.db
        .selectFrom('watch_actions')
        .selectAll()
        .where('appointment_id', '=', shifts.quinn!)
        .orderBy('created_at')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.rule, r.state]),
        [
          ['clock-in-text', 'queued'],
          ['clock-in-escalation', 'escalated'],
        ],
      );
      assert.match(rows[0]!.outcome ?? '', /queued: .*quiet hours/i);
    });
  });
}
