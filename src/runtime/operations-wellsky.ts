import { DateTime } from 'luxon';
import type { ConnectClient } from '../connect/client.ts';
import { isConnectError } from '../connect/errors.ts';
import { collect } from '../connect/paging.ts';
import type { OccurrenceRef, WellSkyScheduling } from '../operations/ports.ts';

/** Operations' scheduling port over the Connect client (facts §3.5–3.7). */
export function wellskyScheduling(client: ConnectClient): WellSkyScheduling {
  const zone = () => client.config.timezone;
  return {
    async findAppointment(appointmentId) {
      try {
        const live = await client.appointments.get(appointmentId);
        return { start: DateTime.fromISO(live.start, { setZone: true }).toJSDate() };
      } catch (error) {
        if (isConnectError(error, 'not-found')) return null;
        throw error;
      }
    },

    async setCaregiver(o: OccurrenceRef, caregiverId: string | null) {
      const live = await client.appointments.get(o.appointmentId);
      // GET of a recurring id answers the occurrence nearest to now; the PUT changes the occurrence its
      // start names, so the start and end are this occurrence's. A full replacement (facts §3.5).
      const { caregiver: _previous, ...rest } = live;
      const body =
        caregiverId === null
          ? {
              ...rest,
              start: o.start.toISOString(),
              end: o.end.toISOString(),
              caregiver: null,
              status: 'OPEN',
            }
          : {
              ...rest,
              start: o.start.toISOString(),
              end: o.end.toISOString(),
              caregiver: { id: caregiverId },
              status: live.status === 'OPEN' ? 'SCHEDULED' : live.status,
            };
      await client.appointments.replace(o.appointmentId, body);
    },

    async readOccurrence(o: OccurrenceRef) {
      const day = DateTime.fromJSDate(o.start, { zone: zone() }).toISODate()!;
      const after = await collect(client.appointments.list({ clientId: o.clientId, from: day, to: day }));
      const same = after.find(
        (a) =>
          a.id === o.appointmentId &&
          DateTime.fromISO(a.start, { setZone: true }).toMillis() === o.start.getTime(),
      );
      if (!same) return undefined;
      return {
        caregiverId: same.caregiver ? String(same.caregiver.id) : null,
        status: String(same.status ?? ''),
      };
    },

    async clockIn(appointmentId, visit) {
      const answer = await client.encounters.clockIn(appointmentId, visit);
      return { visitId: answer.id };
    },

    async clockOut(visitId, visit) {
      await client.encounters.clockOut(visitId, visit);
    },

    async visitClockOut(visitId) {
      const live = await client.encounters.get(visitId);
      return live.period?.end ? DateTime.fromISO(live.period.end, { setZone: true }).toJSDate() : null;
    },
  };
}
