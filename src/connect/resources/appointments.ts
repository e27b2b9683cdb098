import { DateTime } from 'luxon';
import { type PagingOptions, paginate } from '../paging.ts';
import { route } from '../routes.ts';
import type { Transport } from '../transport.ts';
import { planAppointmentWindows } from '../windows.ts';
import { CreatedRef } from '../wire/people.ts';
import { Appointment } from '../wire/scheduling.ts';
import { searchPage } from './search.ts';

export type ShiftOwner =
  | { clientId: string; caregiverId?: never }
  | { caregiverId: string; clientId?: never };

export type AppointmentRange = ShiftOwner & {
  /** First agency-local day, `YYYY-MM-DD`. */
  from: string;
  /** Last agency-local day (inclusive). */
  to: string;
};

function owner(range: ShiftOwner): Record<string, string> {
  const hasClient = typeof range.clientId === 'string' && range.clientId.length > 0;
  const hasCaregiver = typeof range.caregiverId === 'string' && range.caregiverId.length > 0;
  // The API cannot list all shifts of an agency: one client or one caregiver per search (facts §3.5).
  if (hasClient === hasCaregiver) throw new RangeError('give exactly one of clientId or caregiverId');
  return hasClient ? { clientId: range.clientId! } : { caregiverId: range.caregiverId! };
}

export function appointmentsResource(transport: Transport, timezone: string) {
  return {
    /**
     * Every shift occurrence of one client or caregiver whose start falls on the agency-local days
     * `from`…`to`, through the fewest legal windows, every page of each. A recurring shift yields one
     * entry per occurrence, all with the same id (facts §3.5). Uses the GET search: the POST form
     * answered 403 from Feb 26 2026 (facts §3.1 S2).
     */
    async *list(range: AppointmentRange, options: PagingOptions = {}): AsyncGenerator<Appointment> {
      const who = owner(range);
      const windowStart = DateTime.fromISO(range.from, { zone: timezone }).startOf('day');
      const windowEnd = DateTime.fromISO(range.to, { zone: timezone }).plus({ days: 1 }).startOf('day');
      const seen = new Set<string>();
      for (const window of planAppointmentWindows(range.from, range.to)) {
        const query = { ...who, ...window };
        const pages = paginate(
          (page, count) =>
            searchPage(transport, route('appointmentsList'), Appointment, { page, count, query }),
          options,
        );
        for await (const appointment of pages) {
          const start = DateTime.fromISO(appointment.start, { setZone: true });
          if (start < windowStart || start >= windowEnd) continue;
          const key = `${appointment.id}@${start.toMillis()}`;
          if (seen.has(key)) continue;
          seen.add(key);
          yield appointment;
        }
      }
    },
    /** One shift; for a recurring id WellSky answers with the occurrence nearest to now (facts §3.5). */
    get(id: string): Promise<Appointment> {
      return transport.request({ route: route('appointmentGet', { id }), schema: Appointment });
    },
    create(body: Record<string, unknown>) {
      return transport.request({ route: route('appointmentCreate'), body, schema: CreatedRef });
    },
    /** A full replacement (facts §3.5): read the whole appointment, change it, send all of it back. */
    replace(id: string, appointment: Record<string, unknown>) {
      return transport.request({ route: route('appointmentReplace', { id }), body: appointment });
    },
    delete(id: string) {
      return transport.request({ route: route('appointmentDelete', { id }) });
    },
  };
}
