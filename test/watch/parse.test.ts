import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DateTime } from 'luxon';
import { parseWatchReply } from '../../src/operations/watch/parse.ts';
import { plan } from '../../src/operations/watch/plan.ts';
import type { WatchShift } from '../../src/operations/watch/ports.ts';
import { DEFAULT_WATCH_SETTINGS, watchSettingsFromEnv } from '../../src/operations/watch/settings.ts';

describe('caregiver replies the watch understands', () => {
  it('reads minutes late in English and Spanish', () => {
    for (const [text, minutes] of [
      ['LATE 20', 20],
      ['late20', 20],
      ['Running 15 min late', 15],
      ['running about 10 minutes late, sorry', 10],
      ['20 mins late', 20],
      ['llego 20 min tarde', 20],
      ['Voy 15 minutos tarde', 15],
      ['tarde 25', 25],
    ] as const)
      assert.deepEqual(parseWatchReply(text), { kind: 'late', minutes }, text);
  });

  it('reads YES, NO (with a shift number) and CANT; leaves other texts alone', () => {
    assert.deepEqual(parseWatchReply(' Yes! '), { kind: 'yes' });
    assert.deepEqual(parseWatchReply('sí'), { kind: 'yes' });
    assert.deepEqual(parseWatchReply('NO 2'), { kind: 'no', position: 2 });
    assert.deepEqual(parseWatchReply('no'), { kind: 'no', position: null });
    assert.deepEqual(parseWatchReply("can't"), { kind: 'cant', position: null });
    assert.deepEqual(parseWatchReply('CANT 1'), { kind: 'cant', position: 1 });
    for (const text of ['what time is my shift', 'late', 'LATE 999', 'no way I am late for this', ''])
      assert.equal(parseWatchReply(text), null, text);
  });
});

describe('watch settings', () => {
  it('has the documented defaults and reads the environment', () => {
    assert.deepEqual(watchSettingsFromEnv({}), DEFAULT_WATCH_SETTINGS);
    const s = watchSettingsFromEnv({
      SKYBRIDGE_CLOCKIN_GRACE_MINUTES: '5',
      SKYBRIDGE_CONFIRM_AT: '16:30',
      SKYBRIDGE_NOTIFY_CLIENT_LATE: 'true',
    });
    assert.equal(s.clockInGraceMinutes, 5);
    assert.equal(s.confirmAt, '16:30');
    assert.equal(s.notifyClientLate, true);
  });

  it('names the variable and what to write when a value is wrong', () => {
    assert.throws(
      () => watchSettingsFromEnv({ SKYBRIDGE_CONFIRM_AT: '5pm' }),
      /SKYBRIDGE_CONFIRM_AT: give a 24-hour time/,
    );
    assert.throws(
      () => watchSettingsFromEnv({ SKYBRIDGE_CLOCKIN_GRACE_MINUTES: '30' }),
      /SKYBRIDGE_CLOCKIN_ESCALATE_MINUTES must be later/,
    );
  });
});

describe('the rules at one instant (pure)', () => {
  const zone = 'America/Denver';
  const start = DateTime.fromISO('2026-03-08T01:30', { zone }).toJSDate();
  const shift: WatchShift = {
    appointmentId: '7',
    start,
    end: new Date(start.getTime() + 4 * 3_600_000),
    status: 'SCHEDULED',
    isOpen: false,
    clientId: '1',
    clientFirstName: 'Rosa',
    caregiverId: '2',
    caregiverFirstName: 'Nora',
    caregiverPhone: '7205550100',
    visit: null,
  };
  const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000);
  const rules = (minutes: number, s: WatchShift = shift) =>
    plan({
      now: at(minutes),
      zone,
      settings: DEFAULT_WATCH_SETTINGS,
      shifts: [s],
      actions: new Map(),
      calledOut: new Set(),
    }).map((a) => a.rule);

  it('counts real minutes across the spring-forward night', () => {
    // 01:30 + 40 real minutes is 03:10 local on 2026-03-08: the rules use elapsed time, not the wall clock.
    assert.deepEqual(rules(9), []);
    assert.deepEqual(rules(10), ['clock-in-text']);
    assert.deepEqual(rules(25), ['clock-in-text', 'clock-in-escalation']);
  });

  it('leaves open, cancelled and clocked-in shifts alone', () => {
    assert.deepEqual(rules(30, { ...shift, isOpen: true }), []);
    assert.deepEqual(rules(30, { ...shift, status: 'CANCELLED' }), []);
    assert.deepEqual(rules(30, { ...shift, visit: { id: 'v', clockIn: at(2), clockOut: null } }), []);
  });
});
