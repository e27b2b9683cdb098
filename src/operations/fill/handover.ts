import type { FillCampaignRow } from '../../store/fill-types.ts';
import type { FillEngine } from './engine.ts';
import type { InboundText } from './ports.ts';

/** The caregiver's words are quoted up to this length (the whole text stays in the message log). */
const QUOTE_LIMIT = 600;

export interface Handover {
  /** Why Skybridge will not decide this itself, in plain words. */
  why: string;
  /** What the person should do. */
  todo: string;
  /** The campaigns the text may be about (the first one names the task). */
  campaignIds: string[];
}

/**
 * A text the engine will not guess at goes to a person: an office task quoting the caregiver's words,
 * through the documentation pipeline (stored, delivered once). One task per message, keyed on it, so a
 * re-dispatch after a crash opens no second one. Throws when the task could not be stored: the caller
 * must not tell the caregiver "the office will get back to you" when nobody will.
 */
export async function handToPerson(
  engine: FillEngine,
  text: InboundText,
  caregiverId: string,
  handover: Handover,
): Promise<string> {
  const campaigns: FillCampaignRow[] = [];
  for (const id of handover.campaignIds) {
    const c = await engine.repo.campaign(id);
    if (c) campaigns.push(c);
  }
  const first = campaigns[0];
  if (!first)
    throw new Error(`fill: no campaign ${handover.campaignIds.join(', ')} to hand a reply over for`);
  const shifts = campaigns.map(
    (c) =>
      `- shift ${c.appointment_id} (client ${c.client_id}), ${c.shift.date} ${c.shift.startTime}–${c.shift.endTime}, fill campaign ${c.id} (${c.state})`,
  );
  const words = text.text.trim();
  const quote =
    words.length > QUOTE_LIMIT
      ? `"${words.slice(0, QUOTE_LIMIT)}…" (the first ${QUOTE_LIMIT} characters; the whole text is in the message log)`
      : `"${words}"`;
  const task = await engine.ports.office.submit({
    key: `fill:reply:${text.messageId}`,
    title: `Read caregiver ${caregiverId}'s text about open shift ${first.appointment_id} ${first.shift.date} ${first.shift.startTime}`,
    text: [
      `Caregiver ${caregiverId} texted about ${campaigns.length === 1 ? 'this shift' : 'these shifts'}:`,
      ...shifts,
      quote,
      `Why a person is needed: ${handover.why}.`,
      `To do: ${handover.todo}`,
    ].join('\n'),
    priority: 'high',
    clientId: first.client_id,
    caregiverId,
    appointmentId: first.appointment_id,
  });
  if (!task.itemId) {
    throw new Error(
      `fill: the office task for caregiver ${caregiverId}'s text could not be stored (${task.reason ?? task.state}); the text stays received and is handled again`,
    );
  }
  return task.itemId;
}
