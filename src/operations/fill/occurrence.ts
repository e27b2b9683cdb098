import type { FillCampaignRow } from '../../store/fill-types.ts';
import type { FillOccurrence } from './ports.ts';

export const occurrenceOf = (c: FillCampaignRow): FillOccurrence => ({
  appointmentId: c.appointment_id,
  start: c.occurrence_start,
  end: c.occurrence_end,
  clientId: c.client_id,
});
