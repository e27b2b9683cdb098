import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { planAppointmentWindows } from '../../src/connect/windows.ts';

test('a week is one startDate window with additionalDays 6', () => {
  assert.deepEqual(planAppointmentWindows('2026-03-02', '2026-03-08'), [
    { startDate: '20260302', additionalDays: 6 },
  ]);
});

test('a single day has no additionalDays', () => {
  assert.deepEqual(planAppointmentWindows('2026-03-02', '2026-03-02'), [{ startDate: '20260302' }]);
});

test('4 weeks back and 8 ahead costs one query per month touched', () => {
  const windows = planAppointmentWindows('2026-10-30', '2027-01-22');
  assert.deepEqual(windows, [
    { startDate: '20261030', additionalDays: 1 },
    { monthNo: '202611' },
    { monthNo: '202612' },
    { monthNo: '202701' },
  ]);
});

test('bad ranges are refused with a clear message', () => {
  assert.throws(() => planAppointmentWindows('2026-03-08', '2026-03-01'), /ends .* before it starts/);
  assert.throws(() => planAppointmentWindows('20260301', '2026-03-02'), /2026-03-02/);
  assert.throws(() => planAppointmentWindows('2026-02-30', '2026-03-02'), /not a calendar date/);
});

test('windows are legal, disjoint, and cover every day of any range', () => {
  const day = fc
    .integer({ min: 0, max: 3000 })
    .map((n) => DateTime.fromISO('2025-01-01', { zone: 'utc' }).plus({ days: n }));
  fc.assert(
    fc.property(day, fc.integer({ min: 0, max: 200 }), (start, length) => {
      const end = start.plus({ days: length });
      const windows = planAppointmentWindows(start.toISODate()!, end.toISODate()!);
      const covered = new Set<string>();
      for (const w of windows) {
        let first: DateTime;
        let last: DateTime;
        if ('monthNo' in w) {
          first = DateTime.fromFormat(w.monthNo, 'yyyyLL', { zone: 'utc' });
          last = first.endOf('month').startOf('day');
        } else {
          assert.ok(w.additionalDays === undefined || (w.additionalDays >= 1 && w.additionalDays <= 6));
          first = DateTime.fromFormat(w.startDate, 'yyyyLLdd', { zone: 'utc' });
          last = first.plus({ days: w.additionalDays ?? 0 });
        }
        for (let d = first; d <= last; d = d.plus({ days: 1 })) {
          const key = d.toISODate()!;
          assert.ok(!covered.has(key), `day ${key} queried twice`);
          covered.add(key);
        }
      }
      for (let d = start; d <= end; d = d.plus({ days: 1 })) assert.ok(covered.has(d.toISODate()!));
      // Never more queries than calendar months touched.
      const months = new Set<string>();
      for (let d = start; d <= end; d = d.plus({ days: 1 })) months.add(d.toFormat('yyyyLL'));
      assert.equal(windows.length, months.size);
    }),
    { numRuns: 200 },
  );
});
