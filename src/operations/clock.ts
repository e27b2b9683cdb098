import { DateTime } from 'luxon';
import { z } from 'zod';
import { isConnectError } from '../connect/errors.ts';
import { localTimes } from '../mirror/time.ts';
import { fromConnectError, OperationError } from './errors.ts';
import { type Occurrence, resolveOccurrence } from './occurrence.ts';
import type { OperationsPorts } from './ports.ts';
import { callerTime, utcIso } from './time.ts';

const Id = z
  .union([z.string(), z.number()])
  .transform(String)
  .pipe(z.string().regex(/^\d+$/, 'a WellSky shift id is a number'));

/** Where the caller is: both coordinates or none (never invented, original D-6). */
const Coordinates = {
  lat: z.number().min(-90).max(90).optional(),
  lon: z.number().min(-180).max(180).optional(),
};

const bothOrNeither = (v: { lat?: number | undefined; lon?: number | undefined }) =>
  (v.lat === undefined) === (v.lon === undefined);

/** Input of `clockIn`, shared by the CLI, HTTP and MCP. */
export const ClockInInput = z
  .object({
    shiftId: Id,
    /** The occurrence's agency-local day, for a recurring shift. Default: the occurrence around `at`. */
    date: z.string().optional(),
    /** When the caregiver clocked in: agency wall time or ISO with offset. Default: now. */
    at: z.string().optional(),
    ...Coordinates,
  })
  .strict()
  .refine(bothOrNeither, { message: 'give both lat and lon, or neither', path: ['lat'] });
export type ClockInInput = z.input<typeof ClockInInput>;

/** Input of `clockOut`. */
export const ClockOutInput = z
  .object({
    shiftId: Id,
    date: z.string().optional(),
    at: z.string().optional(),
    ...Coordinates,
    /** The caregiver's general comment on the visit (WellSky keeps up to 1,000 characters). */
    comment: z.string().trim().max(1000).optional(),
  })
  .strict()
  .refine(bothOrNeither, { message: 'give both lat and lon, or neither', path: ['lat'] });
export type ClockOutInput = z.input<typeof ClockOutInput>;

export interface ClockResult {
  action: 'clock-in' | 'clock-out';
  shift: {
    id: string;
    date: string;
    start: string;
    end: string;
    clientId: string;
    caregiverId: string | null;
  };
  visitId: string;
  /** The time sent to WellSky (UTC) and the same instant in the agency zone. */
  at: string;
  atLocal: string;
  /** Whether a position was sent; it is never invented. */
  positionSent: boolean;
  /** True when this repeated an earlier clock-in/out: nothing was sent to WellSky again. */
  repeated: boolean;
  message: string;
}

function parse<T extends z.ZodType>(schema: T, raw: unknown): z.output<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'input';
    throw new OperationError('invalid-input', `${field}: ${issue.message}`, field);
  }
  return parsed.data;
}

function position(input: { lat?: number | undefined; lon?: number | undefined }) {
  return input.lat !== undefined && input.lon !== undefined
    ? { latitude: input.lat, longitude: input.lon }
    : undefined;
}

function shiftOf(o: Occurrence): ClockResult['shift'] {
  return {
    id: o.appointmentId,
    date: o.view.date,
    start: o.view.start,
    end: o.view.end,
    clientId: o.clientId,
    caregiverId: o.caregiverId,
  };
}

/**
 * Clock in on one shift occurrence (EVV). With the caller's time and, only when given, position. A
 * repeat returns the visit already made — from Skybridge's record or the mirror — without sending again;
 * should that record be lost, WellSky's own clock-in returns the existing visit (facts §3.7).
 */
export async function clockIn(
  ports: OperationsPorts,
  raw: unknown,
  now: Date = ports.clock.now(),
): Promise<ClockResult> {
  const input = parse(ClockInInput, raw);
  const zone = ports.schedule.timezone;
  const at = callerTime(input.at, zone, now);
  const o = await resolveOccurrence(ports, { shiftId: input.shiftId, date: input.date, near: at.toJSDate() });
  const label = `clock in on shift ${o.appointmentId} (${o.view.date} ${o.view.startTime})`;
  const known = await ports.repo.visitOf(o);
  const mirrored = o.view.visit;
  if (known || mirrored) {
    const visitId = known?.visit_id ?? mirrored!.id;
    const inAt = known ? DateTime.fromJSDate(known.clock_in_at) : DateTime.fromISO(mirrored!.clockIn!);
    return {
      action: 'clock-in',
      shift: shiftOf(o),
      visitId,
      at: utcIso(inAt),
      atLocal: localTimes(inAt.toJSDate(), zone).iso,
      positionSent: Boolean(known?.clock_in_position),
      repeated: true,
      message: `already clocked in on shift ${o.appointmentId} at ${localTimes(inAt.toJSDate(), zone).time}: visit ${visitId}`,
    };
  }
  if (o.isOpen || !o.caregiverId) {
    throw new OperationError(
      'not-assigned',
      `shift ${o.appointmentId} on ${o.view.date} is open: no caregiver is assigned to clock in`,
    );
  }
  const where = position(input);
  let visitId: string;
  try {
    const answer = await ports.wellsky.clockIn(o.appointmentId, { start: utcIso(at), position: where });
    visitId = answer.visitId;
  } catch (error) {
    throw fromConnectError(error, label) ?? error;
  }
  await ports.repo.keepVisit(
    o,
    visitId,
    { clockInAt: at.toJSDate(), clockInPosition: where },
    ports.clock.now(),
  );
  return sentResult('clock-in', zone, o, visitId, at, where);
}

/**
 * Clock out of the visit made for this occurrence. The visit id comes from Skybridge's record or the
 * mirror, never from the shift id (original D-6 clocked out by appointment id). A visit already clocked
 * out — by Skybridge, or in WellSky, which silently ignores a second clock-out — is an error that says when.
 */
export async function clockOut(
  ports: OperationsPorts,
  raw: unknown,
  now: Date = ports.clock.now(),
): Promise<ClockResult> {
  const input = parse(ClockOutInput, raw);
  const zone = ports.schedule.timezone;
  const at = callerTime(input.at, zone, now);
  const o = await resolveOccurrence(ports, { shiftId: input.shiftId, date: input.date, near: at.toJSDate() });
  const label = `clock out of shift ${o.appointmentId} (${o.view.date} ${o.view.startTime})`;
  const known = await ports.repo.visitOf(o);
  const visitId = known?.visit_id ?? o.view.visit?.id;
  if (!visitId) {
    throw new OperationError(
      'not-clocked-in',
      `nobody clocked in on shift ${o.appointmentId} on ${o.view.date}: clock in first (there is no visit to clock out of)`,
    );
  }
  let outAt = known?.clock_out_at ? DateTime.fromJSDate(known.clock_out_at) : undefined;
  if (!outAt && o.view.visit?.id === visitId && o.view.visit.clockOut)
    outAt = DateTime.fromISO(o.view.visit.clockOut);
  if (!outAt) {
    // The mirror may be older than a clock-out made elsewhere; WellSky would ignore a second one silently.
    try {
      const end = await ports.wellsky.visitClockOut(visitId);
      if (end) outAt = DateTime.fromJSDate(end);
    } catch (error) {
      if (!isConnectError(error)) throw error;
    }
  }
  if (outAt) {
    throw new OperationError(
      'already-clocked-out',
      `shift ${o.appointmentId} on ${o.view.date} is already clocked out (at ${localTimes(outAt.toJSDate(), zone).time}, visit ${visitId})`,
    );
  }
  if (known && at.toMillis() < known.clock_in_at.getTime()) {
    throw new OperationError('invalid-input', 'at: the clock-out time is before the clock-in time', 'at');
  }
  const where = position(input);
  try {
    await ports.wellsky.clockOut(visitId, {
      end: utcIso(at),
      position: where,
      generalComment: input.comment || undefined,
    });
  } catch (error) {
    throw fromConnectError(error, label) ?? error;
  }
  const stamp = ports.clock.now();
  if (known) {
    await ports.repo.recordClockOut(o, at.toJSDate(), where, stamp);
  } else {
    await ports.repo.keepVisit(
      o,
      visitId,
      {
        clockInAt: o.view.visit?.clockIn ? new Date(o.view.visit.clockIn) : o.start,
        clockOutAt: at.toJSDate(),
        clockOutPosition: where,
      },
      stamp,
    );
  }
  return sentResult('clock-out', zone, o, visitId, at, where);
}

/** What a clock-in or clock-out that was sent to WellSky reports. */
function sentResult(
  action: 'clock-in' | 'clock-out',
  zone: string,
  o: Occurrence,
  visitId: string,
  at: DateTime,
  where: ReturnType<typeof position>,
): ClockResult {
  const verb = action === 'clock-in' ? 'clocked in on' : 'clocked out of';
  return {
    action,
    shift: shiftOf(o),
    visitId,
    at: utcIso(at),
    atLocal: at.toISO()!,
    positionSent: where !== undefined,
    repeated: false,
    message: `${verb} shift ${o.appointmentId} at ${at.toFormat('HH:mm')} (${zone}): visit ${visitId}${where ? '' : ', no position sent'}`,
  };
}
