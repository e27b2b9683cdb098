import type { MirrorPhone } from '../store/index.ts';

export type PersonKind = 'caregiver' | 'applicant' | 'client' | 'prospect' | 'family';

/** A mirrored person as lookups return it: the product's fields, never the raw resource. */
export interface MirrorPerson {
  kind: PersonKind;
  id: string;
  name: string;
  givenName: string;
  familyName: string;
  active: boolean;
  status: string | null;
  gender: string | null;
  phones: MirrorPhone[];
  languages: string[];
  tagIds: string[];
  preferences: Record<string, string>;
  home: { lat: number; lon: number } | null;
  /** When WellSky last confirmed this record (ISO, UTC). */
  syncedAt: string;
  /** Family contacts: whose contact, and how related. */
  client?: { id: string; name: string } | undefined;
  relationship?: { code: string | null; display: string | null } | undefined;
  contactRoles?: { emergency: boolean; primary: boolean; payer: boolean; poa: boolean } | undefined;
}

export interface IdentifyMatch {
  kind: PersonKind;
  id: string;
  name: string;
  active: boolean;
  /** Which telecom entry matched: mobile, home, work… */
  phoneUse: string;
  syncedAt: string;
  /** Seconds since `syncedAt`, by the mirror's clock. */
  ageSeconds: number;
  client?: { id: string; name: string } | undefined;
  relationship?: string | null | undefined;
  person: MirrorPerson;
}

export interface IdentifyResult {
  /** The 10 digits looked up (facts §2.6) and the extension, if one was given. */
  digits: string;
  extension?: string | undefined;
  matches: IdentifyMatch[];
}

export interface ShiftView {
  appointmentId: string;
  /** Start instant in UTC: with the id, the occurrence's key (a recurring shift reuses its id). */
  startUtc: string;
  endUtc: string;
  /** The agency-local day the shift belongs to: the day it starts. */
  date: string;
  /** Local ISO datetimes with offset, e.g. 2026-03-08T08:00:00.000-06:00. */
  start: string;
  end: string;
  startTime: string;
  endTime: string;
  /** The local day it ends, when that is not `date` (a shift crossing midnight). */
  endDate: string;
  endsNextDay: boolean;
  durationMinutes: number;
  status: string;
  isOpen: boolean;
  client: { id: string; name: string | null };
  caregiver: { id: string; name: string | null } | null;
  visit: {
    id: string;
    status: string | null;
    clockIn: string | null;
    clockOut: string | null;
  } | null;
  syncedAt: string;
}

export interface ShiftQuery {
  caregiverId?: string | undefined;
  clientId?: string | undefined;
  /** One agency-local day, `YYYY-MM-DD`. */
  date?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

export interface ShiftsResult {
  timezone: string;
  from: string;
  to: string;
  caregiverId?: string | undefined;
  clientId?: string | undefined;
  shifts: ShiftView[];
}
