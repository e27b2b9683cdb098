import { z } from 'zod';

// The operations report: one shape for the HTTP API (`GET /api/v1/reports/operations`, in /openapi.json),
// the MCP tool `operations_summary` and the office board. Times are the agency's local ISO times.

const WatchStep = z.object({
  rule: z.string(),
  state: z.string(),
  outcome: z.string().nullable(),
  at: z.string(),
});

export const BoardShift = z.object({
  shiftId: z.string(),
  date: z.string(),
  start: z.string(),
  end: z.string(),
  startTime: z.string(),
  endTime: z.string(),
  status: z.string(),
  client: z.object({ id: z.string(), name: z.string().nullable() }),
  caregiver: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  clockIn: z.string().nullable(),
  clockOut: z.string().nullable(),
  /** What the caregiver texted: minutes late and the arrival that means. */
  late: z.object({ minutes: z.number(), expected: z.string() }).nullable(),
  /** What the watch did about this shift so far, oldest first. */
  watch: z.array(WatchStep),
  fill: z
    .object({
      campaignId: z.string(),
      state: z.string(),
      wavesSent: z.number(),
      winner: z.string().nullable(),
    })
    .nullable(),
  confirmation: z.string().nullable(),
});
export type BoardShift = z.infer<typeof BoardShift>;

export const DayFigures = z.object({
  date: z.string(),
  scheduledShifts: z.number(),
  clockedInOnTime: z.number(),
  lateClockIns: z.number(),
  missedClockIns: z.number(),
  /** Shifts clocked in within the grace ÷ shifts scheduled (null when none were scheduled). */
  evvCompliance: z.number().nullable(),
  callOuts: z.number(),
  fillsStarted: z.number(),
  fillsFilled: z.number(),
  fillRate: z.number().nullable(),
  medianMinutesToFill: z.number().nullable(),
  confirmationsRequested: z.number(),
  confirmationsAnswered: z.number(),
  hoursScheduled: z.number(),
  hoursWorked: z.number(),
});
export type DayFigures = z.infer<typeof DayFigures>;

export const OperationsReport = z.object({
  timezone: z.string(),
  from: z.string(),
  to: z.string(),
  generatedAt: z.string(),
  clockInGraceMinutes: z.number(),
  days: z.array(DayFigures),
  totals: DayFigures.omit({ date: true }),
  overtime: z.object({
    weekStart: z.string(),
    thresholdHours: z.number(),
    caregivers: z.array(
      z.object({ id: z.string(), name: z.string().nullable(), scheduledHours: z.number() }),
    ),
  }),
  now: z.object({
    inProgress: z.array(BoardShift),
    startingSoon: z.array(BoardShift),
    lateOrMissing: z.array(BoardShift),
    open: z.array(BoardShift),
    unconfirmedTomorrow: z.array(BoardShift),
  }),
  callOuts: z.array(
    z.object({
      id: z.string(),
      reportedAt: z.string(),
      caregiver: z.object({ id: z.string(), name: z.string().nullable() }),
      client: z.object({ id: z.string(), name: z.string().nullable() }),
      shiftStart: z.string(),
      fill: z.string().nullable(),
      minutesToFill: z.number().nullable(),
    }),
  ),
});
export type OperationsReport = z.infer<typeof OperationsReport>;
