// The watch's ports: what it needs from the rest of Skybridge, owned here, wired by the runtime
// (src/runtime/watch.ts). The messenger shapes follow the messaging contract exactly, so the messaging
// module implements them structurally.

export interface Clock {
  now(): Date;
}

// --- Messenger (messaging contract) ----------------------------------------------------------------

import type { Messenger } from '../ports.ts';

export type {
  InboundHandler,
  InboundOutcome,
  InboundText,
  MessageState,
  Messenger,
  OutgoingText,
  SendResult,
} from '../ports.ts';

// --- Schedule (read model) ---------------------------------------------------------------------------

/** One shift occurrence as the watch reads it: what the rules need, nothing more. */
export interface WatchShift {
  appointmentId: string;
  start: Date;
  end: Date;
  status: string;
  isOpen: boolean;
  clientId: string;
  clientFirstName: string | null;
  caregiverId: string | null;
  caregiverFirstName: string | null;
  /** The caregiver's mobile (or first) phone; null when WellSky has none. */
  caregiverPhone: string | null;
  /** The visit (clock-in) of this occurrence, from the mirror or from Skybridge's own clock-in. */
  visit: { id: string; clockIn: Date | null; clockOut: Date | null } | null;
}

export interface WatchSchedule {
  /** Occurrences overlapping [from, to): start < to and end > from. */
  shifts(from: Date, to: Date): Promise<WatchShift[]>;
  /** The caregiver this phone belongs to, if exactly one does. */
  caregiverByPhone(phone: string): Promise<{ id: string; firstName: string } | null>;
  /** Who to tell about the client's visit: the primary family contact's phone, else the client's. */
  clientContactPhone(clientId: string): Promise<string | null>;
  /** The agency's zone, for every time a person reads. */
  readonly timezone: string;
}

// --- Acting --------------------------------------------------------------------------------------

export interface CallOutRequest {
  caregiverId: string;
  appointmentId: string;
  occurrenceStart: Date;
  reason: string;
}
export interface CallOutPort {
  /** The call-out path (src/operations/callout.ts): idempotent per caregiver and occurrence. */
  report(request: CallOutRequest): Promise<{ callOutId: string; summary: string }>;
  /**
   * The occurrences starting in [from, to] with a call-out recorded (the watch then leaves them alone), as
   * `occurrenceKey`s. One read for a whole tick: a read per shift held the event loop for seconds at
   * agency scale (PGlite answers synchronously).
   */
  calledOut(from: Date, to: Date): Promise<Set<string>>;
}

export interface DocumentationSubmission {
  kind: 'client-note' | 'office-task';
  key: string;
  text: string;
  title?: string;
  clientId?: string;
  caregiverId?: string;
  appointmentId?: string;
  /** Agency-zone or UTC ISO instant of what happened. */
  at?: string;
  priority?: 'urgent' | 'high' | 'normal';
}
export interface DocumentationPort {
  submit(request: DocumentationSubmission): Promise<{ itemId: string; state: string; reason: string | null }>;
}

/** What staff are told: ids, times and states only (no names, phones or texts). */
export interface WatchStaffNotice {
  event: 'missed-clock-in';
  caregiverId: string;
  clientId: string;
  shiftId: string;
  shiftStart: string;
  shiftStartLocal: string;
  minutesLate: number;
  caregiverText: string;
  officeTask: string;
}
export interface StaffAlertPort {
  notify(notice: WatchStaffNotice): Promise<{ state: 'sent' | 'failed' | 'not-configured'; error?: string }>;
}

export interface WatchPorts {
  clock: Clock;
  schedule: WatchSchedule;
  messenger: Messenger;
  callOuts: CallOutPort;
  documentation: DocumentationPort;
  staff: StaffAlertPort;
}
