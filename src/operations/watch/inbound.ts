import type { WatchConfirmationRow } from '../../store/index.ts';
import { lateClientNotice, localDayName, localTime } from './messages.ts';
import { parseWatchReply } from './parse.ts';
import { actionKey, occurrenceKey } from './plan.ts';
import type { InboundHandler, InboundOutcome, InboundText, WatchPorts, WatchShift } from './ports.ts';
import type { WatchSettings } from './settings.ts';
import type { Watch } from './watch.ts';

const MINUTE = 60_000;
const NOT_MINE: InboundOutcome = { handled: false };

/**
 * The caregiver replies the watch answers: LATE n, YES/NO to a pending confirmation, CANT for a shift
 * the watch asked about. Anything else (or from someone with nothing pending) is left to other handlers.
 * Idempotent: a re-dispatched message finds its late report, its answered confirmation or its call-out.
 */
export function watchInboundHandler(watch: Watch, ports: WatchPorts): InboundHandler {
  return async (message) => {
    const reply = parseWatchReply(message.text);
    if (!reply) return NOT_MINE;
    const caregiver = await ports.schedule.caregiverByPhone(message.from);
    if (!caregiver) return NOT_MINE;
    const now = ports.clock.now();
    if (reply.kind === 'late') return runningLate(watch, ports, caregiver.id, reply.minutes, message, now);
    const awaiting = await watch.repo.awaiting(caregiver.id, now);
    if (reply.kind === 'yes') {
      if (awaiting.length === 0) return NOT_MINE;
      for (const c of awaiting) await watch.repo.answer(c, 'confirmed', now);
      const zone = ports.schedule.timezone;
      return {
        handled: true,
        action: 'confirmed',
        reply: `Thank you — confirmed for ${localDayName(awaiting[0]!.occurrence_start, zone)}.`,
      };
    }
    return cannotWork(watch, ports, caregiver.id, awaiting, reply.position, now);
  };
}

async function runningLate(
  watch: Watch,
  ports: WatchPorts,
  caregiverId: string,
  minutes: number,
  message: InboundText,
  now: Date,
): Promise<InboundOutcome> {
  const shift = await upcomingShift(ports, watch.settings, caregiverId, now);
  if (!shift) return NOT_MINE;
  const zone = ports.schedule.timezone;
  const occ = occurrenceKey(shift);
  const expected = new Date(shift.start.getTime() + minutes * MINUTE);
  const { row, created } = await watch.repo.claim(
    {
      key: actionKey('running-late', occ),
      rule: 'running-late',
      state: 'recorded',
      reason: `caregiver texted "late ${minutes}"`,
      outcome: `expected around ${localTime(expected, zone)}`,
      appointmentId: shift.appointmentId,
      occurrenceStart: shift.start,
      caregiverId,
      clientId: shift.clientId,
      detail: { minutes, messageId: message.messageId },
    },
    now,
  );
  // A second LATE for the same shift updates the minutes (the board and the clock-in rule use the latest).
  if (!created && row.detail?.messageId !== message.messageId)
    await watch.repo.update(
      row.id,
      {
        detail: { ...row.detail, minutes, messageId: message.messageId },
        outcome: `expected around ${localTime(expected, zone)}`,
      },
      now,
    );
  if (watch.settings.notifyClientLate) await noticeToClient(watch, ports, shift, minutes, now);
  return {
    handled: true,
    action: 'late',
    reply: `Thanks — noted: about ${minutes} min late for ${shift.clientFirstName ?? 'your client'} (arriving around ${localTime(expected, zone)}).`,
  };
}

/** The caregiver's shift a LATE text is about: started without a clock-in, or the next one starting soon. */
async function upcomingShift(
  ports: WatchPorts,
  settings: WatchSettings,
  caregiverId: string,
  now: Date,
): Promise<WatchShift | undefined> {
  const t = now.getTime();
  const shifts = await ports.schedule.shifts(
    new Date(t - settings.lookbackHours * 60 * MINUTE),
    new Date(t + settings.lateWindowMinutes * MINUTE),
  );
  return shifts
    .filter((s) => s.caregiverId === caregiverId && !s.visit && s.end.getTime() > t)
    .filter((s) => s.start.getTime() <= t + settings.lateWindowMinutes * MINUTE)
    .sort((a, b) => a.start.getTime() - b.start.getTime())[0];
}

/** Once per shift, and only when the agency enabled it: a short notice to the client's contact. */
async function noticeToClient(
  watch: Watch,
  ports: WatchPorts,
  shift: WatchShift,
  minutes: number,
  now: Date,
) {
  const key = actionKey('late-client-notice', occurrenceKey(shift));
  const { row, created } = await watch.repo.claim(
    {
      key,
      rule: 'late-client-notice',
      reason: `caregiver running ${minutes} min late; SKYBRIDGE_NOTIFY_CLIENT_LATE is on`,
      appointmentId: shift.appointmentId,
      occurrenceStart: shift.start,
      caregiverId: shift.caregiverId,
      clientId: shift.clientId,
    },
    now,
  );
  if (!created && row.state !== 'intended') return;
  const phone = await ports.schedule.clientContactPhone(shift.clientId);
  const result = phone
    ? await watch.send({
        key,
        to: phone,
        body: lateClientNotice(shift, minutes, ports.schedule.timezone),
        urgent: false,
        purpose: 'late-client-notice',
        refs: { clientId: shift.clientId, shiftId: shift.appointmentId },
      })
    : {
        state: 'not-sent' as const,
        outcome: 'not sent: no phone for the client or a primary family contact',
      };
  await watch.repo.finish(row.id, result, now);
}

/** NO / CANT: the named (or only) shift goes down the call-out path; several and none named → ask which. */
async function cannotWork(
  watch: Watch,
  ports: WatchPorts,
  caregiverId: string,
  awaiting: WatchConfirmationRow[],
  position: number | null,
  now: Date,
): Promise<InboundOutcome> {
  const zone = ports.schedule.timezone;
  type Target = { appointmentId: string; start: Date; confirmation?: WatchConfirmationRow };
  let targets: Target[] = awaiting.map((c) => ({
    appointmentId: c.appointment_id,
    start: c.occurrence_start,
    confirmation: c,
  }));
  if (position !== null) targets = targets.filter((t) => t.confirmation?.position === position);
  if (targets.length === 0 && position === null) {
    // A CANT after a clock-in reminder: the shift the watch texted about.
    const shifts = await ports.schedule.shifts(
      new Date(now.getTime() - watch.settings.lookbackHours * 60 * MINUTE),
      now,
    );
    const mine = shifts.filter((s) => s.caregiverId === caregiverId && !s.visit && s.end > now);
    const texted = await watch.repo.byKeys(mine.map((s) => actionKey('clock-in-text', occurrenceKey(s))));
    targets = mine
      .filter((s) => texted.has(actionKey('clock-in-text', occurrenceKey(s))))
      .map((s) => ({ appointmentId: s.appointmentId, start: s.start }));
  }
  if (targets.length === 0) return NOT_MINE;
  if (targets.length > 1) {
    const list = targets
      .map(
        (t) =>
          `${t.confirmation?.position ?? '?'}) ${localDayName(t.start, zone)} ${localTime(t.start, zone)}`,
      )
      .join('; ');
    return {
      handled: true,
      action: 'clarify',
      reply: `Which shift can you not work? Reply NO and the number: ${list}.`,
    };
  }
  const target = targets[0]!;
  const callOut = await ports.callOuts.report({
    caregiverId,
    appointmentId: target.appointmentId,
    occurrenceStart: target.start,
    reason: 'caregiver replied that they cannot work this shift (text to the watch)',
  });
  if (target.confirmation) await watch.repo.answer(target.confirmation, 'declined', now, callOut.callOutId);
  await watch.repo.claim(
    {
      key: actionKey('confirmation-answer', `${occurrenceKey(target)}:${caregiverId}`),
      rule: 'confirmation-answer',
      state: 'recorded',
      reason: 'caregiver cannot work the shift',
      outcome: `call-out ${callOut.callOutId}: ${callOut.summary}`,
      appointmentId: target.appointmentId,
      occurrenceStart: target.start,
      caregiverId,
    },
    now,
  );
  return {
    handled: true,
    action: 'declined',
    reply: `Thanks for telling us — the office is finding cover for ${localDayName(target.start, zone)} ${localTime(target.start, zone)}.`,
  };
}
