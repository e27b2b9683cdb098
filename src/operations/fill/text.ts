import type { CampaignShift } from '../../store/fill-types.ts';

// Every text the fill engine sends: short, plain GSM-7 (one segment where possible), never the client's
// name or address — only the area, the day and the local times.

/** Characters outside GSM-7 (accents, curly quotes, dashes, emoji) turned into plain ones or dropped. */
export function gsm7(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/[^\x20-\x7E\n]/g, '');
}

function day(shift: CampaignShift): string {
  const d = new Date(`${shift.date}T12:00:00Z`);
  const weekday = d.toLocaleString('en-US', { weekday: 'short', timeZone: 'UTC' });
  const month = d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  return `${weekday} ${month} ${d.getUTCDate()}`;
}

function clock(hhmm: string): string {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  const suffix = h < 12 ? 'am' : 'pm';
  const hour = h % 12 === 0 ? 12 : h % 12;
  return m === 0 ? `${hour}${suffix}` : `${hour}:${String(m).padStart(2, '0')}${suffix}`;
}

/** "Thu Mar 5, 10am-2pm in Aurora" */
export function describeShift(shift: CampaignShift): string {
  const where = shift.area ? ` in ${shift.area}` : '';
  return `${day(shift)}, ${clock(shift.startTime)}-${clock(shift.endTime)}${where}`;
}

export const texts = {
  offer: (s: CampaignShift) =>
    gsm7(
      `Open shift: ${describeShift(s)} (${Math.round(s.durationMinutes / 6) / 10} h). Reply YES to take it or NO.`,
    ),
  offerAgain: (s: CampaignShift) =>
    gsm7(
      `Open again: ${describeShift(s)} (${Math.round(s.durationMinutes / 6) / 10} h). Reply YES to take it or NO.`,
    ),
  which: (shifts: CampaignShift[]) =>
    gsm7(`Which shift? ${shifts.map((s, i) => `Reply ${i + 1} for ${describeShift(s)}`).join('; ')}.`),
  clarify: (shifts: CampaignShift[]) =>
    gsm7(
      shifts.length === 1
        ? `Sorry, we did not understand. Reply YES to take the shift ${describeShift(shifts[0]!)} or NO.`
        : `Sorry, we did not understand. Reply YES or NO to the open shift offers.`,
    ),
  handedToPerson: () => gsm7('Thanks. Someone from the office will get back to you about this.'),
  confirmed: (s: CampaignShift) =>
    gsm7(`Confirmed: the shift ${describeShift(s)} is yours. Thank you! Details are in your schedule.`),
  acceptedUnassigned: (s: CampaignShift) =>
    gsm7(
      `Thank you! You are taking the shift ${describeShift(s)}. The office will put it in your schedule shortly.`,
    ),
  alreadyFilled: (s: CampaignShift) =>
    gsm7(
      `Thanks for answering! The shift ${describeShift(s)} has already been taken. We will text you next time.`,
    ),
  notEligible: (s: CampaignShift) =>
    gsm7(
      `Thanks! We cannot give you the shift ${describeShift(s)}: it clashes with your schedule or hours. The office has been told.`,
    ),
  declined: () => gsm7('Thanks for letting us know. No problem.'),
  withdrawn: (s: CampaignShift) =>
    gsm7(`Update: the shift ${describeShift(s)} has been filled. No need to reply. Thank you!`),
  cancelled: (s: CampaignShift) =>
    gsm7(`Update: the shift ${describeShift(s)} is no longer open. No need to reply. Thank you!`),
  closed: () => gsm7('Thanks for answering! That shift is no longer open. We will text you next time.'),
  backedOut: (s: CampaignShift) =>
    gsm7(`Thanks for telling us. You are off the shift ${describeShift(s)}; we will find someone else.`),
  pending: () => gsm7('Thanks! We are confirming your shift now and will text you in a moment.'),
};
