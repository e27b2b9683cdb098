import type { ItemView } from '../documentation/view.ts';
import type { MirrorPerson, ShiftQuery, ShiftsResult, ShiftView } from '../mirror/types.ts';
import type { NotificationOutcome, StaffNotice } from './notify.ts';
import type { OperationsRepository } from './repository.ts';

// The ports operations need, owned here (the caller) and implemented where the data lives: the mirror
// answers `Schedule`, the runtime adapts the WellSky client and the documentation pipeline. Operations
// never see `SkybridgeApp` nor the tables sync writes; a test drives them with these alone.

export type { MirrorPerson as Person, ShiftView };

/** Time is a port: every rule that depends on "now" asks it. */
export interface Clock {
  now(): Date;
}

/** One stored occurrence of a shift, as the mirror has it (a recurring shift reuses its id). */
export interface OccurrenceRow {
  appointmentId: string;
  start: Date;
  end: Date;
  clientId: string;
  caregiverId: string | null;
  status: string;
  isOpen: boolean;
}

/** A scheduled, assigned, not-cancelled shift of one caregiver (overlap and hours checks). */
export interface ShiftInterval {
  appointmentId: string;
  start: Date;
  end: Date;
}

/** A past shift of a caregiver and the clock-in of its visit, if any (reliability). */
export interface AttendedShift extends ShiftInterval {
  clockIn: Date | null;
}

/** What ranking knows of a caregiver it may propose. */
export interface CaregiverProfile {
  id: string;
  name: string;
  gender: string | null;
  languages: string[];
  tagIds: string[];
  home: { lat: number; lon: number } | null;
  hireDate: string | null;
  hasPhone: boolean;
}

/**
 * The read model over the mirror: occurrences, people, shifts in a window, visits, freshness. Windows are
 * half-open `[from, to)`; an `except` occurrence (the shift being filled) is left out of every answer.
 */
export interface Schedule {
  readonly timezone: string;
  /** When the mirror was last filled by a sync that succeeded (fully or partly); null = never. */
  lastSyncedAt(): Promise<Date | null>;
  caregiver(id: string): MirrorPerson | undefined;
  client(id: string): MirrorPerson | undefined;
  /** Active caregivers holding this phone (any format); a RangeError for something not a US number. */
  caregiversByPhone(phone: string): string[];
  /** The one active caregiver with this phone, or null (none, or several: then nobody is guessed). */
  caregiverByPhone(phone: string): string | null;
  /** The caregiver's mobile phone (10 digits), else another phone, else null. */
  caregiverContact(caregiverId: string): string | null;
  /** Every stored occurrence of the shift, by start. */
  occurrences(appointmentId: string): Promise<OccurrenceRow[]>;
  /** The mirror's view of one occurrence (names, visit), or undefined when it is no longer there. */
  occurrenceView(o: { appointmentId: string; start: Date; clientId: string }): Promise<ShiftView | undefined>;
  shifts(query: ShiftQuery): Promise<ShiftsResult>;
  currentOrNextShift(
    caregiverId: string,
    now: Date,
  ): Promise<{ state: 'in-progress' | 'upcoming'; shift: ShiftView } | null>;
  /** A visit of this client around `now` (clocked in, not long out), the one reliable note route. */
  clientVisitNear(clientId: string, now: Date): Promise<string | null>;

  /** Active, hired caregivers: who ranking may consider. */
  rankingPool(): Promise<CaregiverProfile[]>;
  tagName(id: string): string | undefined;
  /** Per caregiver: shifts overlapping `[from, to)`. Only the caregivers asked, when `caregiverIds` is given. */
  busy(
    from: Date,
    to: Date,
    options?: { except?: ShiftInterval; caregiverIds?: string[] },
  ): Promise<Map<string, ShiftInterval[]>>;
  /** Per caregiver: hours of shifts starting in `[from, to)` (a workweek). */
  hoursStarting(
    from: Date,
    to: Date,
    options?: { except?: ShiftInterval; caregiverIds?: string[] },
  ): Promise<Map<string, number>>;
  /** Per caregiver: clock-ins of visits with this client in `[from, to)`. */
  visitsWithClient(clientId: string, from: Date, to: Date): Promise<Map<string, Date[]>>;
  /** Per caregiver: shifts in `[from, to)` that have ended, with their visit's clock-in. */
  attendance(caregiverIds: string[], from: Date, to: Date): Promise<Map<string, AttendedShift[]>>;
}

/** An occurrence as WellSky knows it: the appointment id plus the start. */
export interface OccurrenceRef {
  appointmentId: string;
  start: Date;
  end: Date;
  clientId: string;
}

/**
 * Scheduling writes and reads in WellSky. Errors are the client's `ConnectError`s (operations turn them into
 * plain words with `fromConnectError`).
 */
export interface WellSkyScheduling {
  /** The appointment's start, or null when WellSky does not know it. */
  findAppointment(appointmentId: string): Promise<{ start: Date } | null>;
  /** Replace the whole appointment with this occurrence's caregiver changed (null = open). */
  setCaregiver(o: OccurrenceRef, caregiverId: string | null): Promise<void>;
  /** Read the occurrence back after a change: its caregiver, or undefined when it is not found. */
  readOccurrence(o: OccurrenceRef): Promise<{ caregiverId: string | null; status: string } | undefined>;
  clockIn(
    appointmentId: string,
    visit: { start: string; position?: { latitude: number; longitude: number } | undefined },
  ): Promise<{ visitId: string }>;
  clockOut(
    visitId: string,
    visit: {
      end: string;
      position?: { latitude: number; longitude: number } | undefined;
      generalComment?: string | undefined;
    },
  ): Promise<void>;
  /** When the visit was clocked out in WellSky, null when it is not; throws a ConnectError when unknown. */
  visitClockOut(visitId: string): Promise<Date | null>;
}

/** Documentation intake: submit an item and get its true state (waiting for the first attempt). */
export interface DocumentationIntake {
  submit(request: Record<string, unknown>, options: { waitMs: number }): Promise<ItemView>;
  get(itemId: string): Promise<ItemView | undefined>;
}

export interface StaffNotifier {
  /** Tells staff once; the outcome is recorded, never thrown. */
  notify(notice: StaffNotice): Promise<NotificationOutcome>;
}

/** What the measured capability matrix says of one capability (e.g. `shifts.write`), measuring if never done. */
export interface CapabilityStatus {
  status(capability: string): Promise<string | undefined>;
}

/** "Start filling this shift": the fill engine, when one is wired. Its result goes in the call-out's `fill`. */
export interface ShiftFiller {
  startForCallOut(request: {
    appointmentId: string;
    /** The occurrence's agency-local day. */
    date: string;
    occurrenceStart: Date;
    excludeCaregiverIds: string[];
  }): Promise<unknown>;
}

/** Everything operations use, built once by the runtime (`src/runtime/operations.ts`). */
export interface OperationsPorts {
  clock: Clock;
  schedule: Schedule;
  wellsky: WellSkyScheduling;
  documentation: DocumentationIntake;
  notifier: StaffNotifier;
  capabilities: CapabilityStatus;
  /** Operations' own tables (call-outs, visits made by clock-in). */
  repo: OperationsRepository;
  filler?: ShiftFiller | undefined;
}

// --- Messenger: the contract with src/messaging, which implements it structurally -----------------------

export interface OutgoingText {
  /** Idempotency key of the logical message: the same key twice sends once. */
  key: string;
  to: string;
  body: string;
  /** Urgent messages ignore quiet hours (never opt-outs). */
  urgent: boolean;
  purpose: string;
  refs?: Record<string, string>;
}
export type MessageState = 'queued' | 'sent' | 'delivered' | 'failed' | 'not-sent';
export interface SendResult {
  messageId: string;
  state: MessageState;
  reason: string | null;
  repeated: boolean;
}
export interface Messenger {
  send(text: OutgoingText): Promise<SendResult>;
  isOptedOut(phone: string): Promise<boolean>;
  readonly canContact: boolean;
  readonly channel: 'twilio' | 'webhook' | 'simulated' | 'none';
}
export interface InboundText {
  messageId: string;
  from: string;
  text: string;
  receivedAt: Date;
}
export interface InboundOutcome {
  handled: boolean;
  reply?: string;
  action?: string;
}
export type InboundHandler = (text: InboundText) => Promise<InboundOutcome>;
