/**
 * Disjoint id ranges per resource kind, so a wrong kind of id (an appointment id on clock-out, an
 * appointment id on a task log) is simply unknown and answers 404 (facts §3.7, §3.8 [V]).
 */
export const ID_BASE = {
  practitioner: 100_001, // 1xxxxx
  patient: 900_001, // 9xxxxx
  relatedPerson: 400_001, // 4xxxxx
  appointment: 70_000_001, // 7xxxxxxx
  taskLog: 30_000_001, // 3xxxxxxx
  adminTask: 20_000_001, // 2xxxxxxx
  shiftTask: 80_000_001, // 8xxxxxxx (Appointment.tasks[].id)
  document: 60_000_001, // 6xxxxxxx
  subscription: 10_001, // 1xxxx
  profileTag: 3_001, // 3xxx
  location: 2_001, // 2xxx
  referralSource: 6_001, // 6xxx
  /** Encounters: one deterministic id per appointment occurrence, 5xxxxxxxx (see schedule.ts). */
  encounter: 500_000_000,
  /** Encounters created directly (`POST /v1/encounter/`). */
  directEncounter: 599_000_001,
  /** Charge items mirror encounters: 6xxxxxxxx. */
  chargeItem: 600_000_000,
} as const;
