import type { CampaignShift } from '../../store/fill-types.ts';

// The fill engine's ports, owned here and implemented by the runtime (src/runtime/fill.ts). The engine
// never sees SkybridgeApp: a test drives it with a store, the simulator behind these ports and messaging.

export interface Clock {
  now(): Date;
}

/** The occurrence being filled: a recurring shift reuses its id, so the id plus the start names it. */
export interface FillOccurrence {
  appointmentId: string;
  start: Date;
  end: Date;
  clientId: string;
}

/** An occurrence found for a request, with what the texts need and who is on it now. */
export interface ResolvedOccurrence extends FillOccurrence {
  caregiverId: string | null;
  isOpen: boolean;
  shift: CampaignShift;
}

export interface RankedCandidate {
  caregiverId: string;
  rank: number;
  score: number;
  /** One line a scheduler reads at a glance. */
  reason: string;
  /** Has a phone, so an offer can reach them. */
  contactable: boolean;
}

export type Eligibility = { eligible: true } | { eligible: false; reasons: string[] };

/** Ranking and the hard rules, as operations define them (overlap, weekly hours, exclusions). */
export interface Candidates {
  rank(o: FillOccurrence, options: { exclude: string[]; limit: number }): Promise<RankedCandidate[]>;
  checkEligibility(caregiverId: string, o: FillOccurrence): Promise<Eligibility>;
}

export interface Contacts {
  /** The caregiver's phone for texts (10 digits), or null. */
  caregiverContact(caregiverId: string): string | null;
  /** The one active caregiver with this phone, or null (none, or several: nobody is guessed). */
  caregiverByPhone(phone: string): string | null;
}

export interface Occurrences {
  /** The occurrence of shift `shiftId` on the agency-local day `date`; throws an OperationError if none. */
  resolve(shiftId: string, date: string): Promise<ResolvedOccurrence>;
  /** The same, for an occurrence known by its start. */
  byStart(shiftId: string, start: Date): Promise<ResolvedOccurrence>;
}

// Messenger: one shape for every operation that texts (operations/ports.ts); messaging implements it.
import type { Messenger } from '../ports.ts';

export type {
  InboundOutcome,
  InboundText,
  MessageState,
  Messenger,
  OutgoingText,
  SendResult,
} from '../ports.ts';

export type AssignState = 'assigned' | 'refused' | 'failed';

export interface AssignOutcome {
  /** `assigned` only when WellSky, read back after the change, shows that caregiver on the occurrence. */
  state: AssignState;
  /** In plain words; for refused/failed, what WellSky said. */
  detail: string;
  /** WellSky requests made for this step (for the bench). */
  requests?: number;
}

/** Assignment in WellSky (a full replacement of the appointment, then read back). */
export interface Scheduling {
  assign(o: FillOccurrence, caregiverId: string): Promise<AssignOutcome>;
  unassign(o: FillOccurrence, caregiverId: string): Promise<AssignOutcome>;
  /** Who WellSky shows on the occurrence now (null = nobody), or undefined when it cannot be read. */
  current(o: FillOccurrence): Promise<string | null | undefined>;
}

export interface OfficeTaskOutcome {
  state: string;
  itemId: string | null;
  reason: string | null;
}

/** Office tasks go through the documentation pipeline: stored, delivered exactly once, true state. */
export interface OfficeTasks {
  submit(task: {
    key: string;
    title: string;
    text: string;
    priority: 'urgent' | 'high' | 'normal';
    clientId: string;
    caregiverId?: string | undefined;
    appointmentId: string;
  }): Promise<OfficeTaskOutcome>;
}

/** Ids, times and states only: the receiver looks people up where access is controlled. */
export interface FillNotice {
  event: 'fill-escalated' | 'fill-accepted-unassigned';
  campaignId: string;
  shiftId: string;
  clientId: string;
  shiftStart: string;
  shiftStartLocal: string;
  minutesToStart: number;
  offersSent: number;
  replies: number;
  reason: string;
}

export interface StaffNotifier {
  notify(notice: FillNotice): Promise<{ state: string; at: string; error?: string | undefined }>;
}

export interface FillPorts {
  clock: Clock;
  candidates: Candidates;
  contacts: Contacts;
  occurrences: Occurrences;
  messenger: Messenger;
  scheduling: Scheduling;
  office: OfficeTasks;
  notifier: StaffNotifier;
}
