import type { ConnectClient } from '../connect/client.ts';
import { CapabilityRepo, type CapabilityRow } from '../store/capability-repo.ts';
import type { Store } from '../store/store.ts';
import { type DoctorReport, runDoctor } from './doctor.ts';
import type { CapabilityStatus } from './interpret.ts';

export interface CapabilityChange {
  capabilityId: string;
  from: CapabilityStatus | undefined;
  to: CapabilityStatus;
}

/**
 * The capability matrix as delivery uses it: measured by the doctor's safe probes, stored, and
 * refreshed on demand or on a schedule. Delivery may also learn from an attempt (a 403 on a write
 * route) without waiting for the next probe.
 */
export class CapabilityService {
  private readonly repo: CapabilityRepo;
  private cache: Map<string, CapabilityStatus> | undefined;
  /** When the oldest row of the matrix was measured, as last read (ms); undefined: not read or empty. */
  private oldestCheck: number | undefined;
  /** From the last refresh: whether WellSky accepts WELLSKY_AGENCY_ID for these credentials (null: unknown). */
  agencyIdMatches: boolean | null = null;

  constructor(
    store: Store,
    private readonly client: ConnectClient,
  ) {
    this.repo = new CapabilityRepo(store.db);
  }

  /** Current statuses by capability id (empty until measured once). */
  async statuses(): Promise<ReadonlyMap<string, CapabilityStatus>> {
    if (!this.cache) {
      const rows = await this.repo.loadCapabilities();
      this.cache = new Map(rows.map((row) => [row.capabilityId, row.status as CapabilityStatus]));
    }
    return this.cache;
  }

  async rows(): Promise<CapabilityRow[]> {
    return this.repo.loadCapabilities();
  }

  /** Probe again (safe probes only) and store the result; returns what changed. */
  async refresh(now = new Date()): Promise<{ report: DoctorReport; changes: CapabilityChange[] }> {
    const before = await this.statuses();
    const report = await runDoctor({ client: this.client, now: () => now });
    if (!report.authentication.ok) return { report, changes: [] };
    this.agencyIdMatches = report.configuration.agencyIdMatches;
    const rows: CapabilityRow[] = report.capabilities.map((c) => ({
      capabilityId: c.id,
      status: c.status,
      httpStatus: c.httpStatus,
      explanation: c.explanation,
      checkedAt: now,
      details: { capability: c.capability, method: c.method, route: c.route, kind: c.kind },
    }));
    await this.repo.saveCapabilities(rows);
    this.cache = undefined;
    this.oldestCheck = undefined;
    const changes: CapabilityChange[] = [];
    for (const row of rows) {
      const previous = before.get(row.capabilityId);
      if (previous !== row.status) {
        changes.push({ capabilityId: row.capabilityId, from: previous, to: row.status as CapabilityStatus });
      }
    }
    return { report, changes };
  }

  /** An attempt met a refusal on a route the matrix called available: record it now. */
  async learn(capabilityId: string, status: CapabilityStatus, explanation: string, now = new Date()) {
    const current = await this.statuses();
    if (current.get(capabilityId) === status) return;
    const existing = (await this.repo.loadCapabilities()).find((r) => r.capabilityId === capabilityId);
    await this.repo.saveCapabilities([
      {
        capabilityId,
        status,
        httpStatus: 403,
        explanation: `${explanation} (learned from a delivery attempt)`,
        checkedAt: now,
        details: existing?.details ?? {},
      },
    ]);
    this.cache = undefined;
    this.oldestCheck = undefined;
  }

  /**
   * True when the matrix was never measured or is older than `maxAgeMs`. The delivery worker asks before
   * every batch, so a "fresh" answer comes from the last reading: another process can only have made the
   * matrix fresher since. A "stale" one is read again before it is believed.
   */
  async isStale(maxAgeMs: number, now = new Date()): Promise<boolean> {
    const fresh = (oldest: number | undefined) => oldest !== undefined && now.getTime() - oldest <= maxAgeMs;
    if (fresh(this.oldestCheck)) return false;
    const rows = await this.repo.loadCapabilities();
    this.oldestCheck = rows.length === 0 ? undefined : Math.min(...rows.map((r) => r.checkedAt.getTime()));
    return !fresh(this.oldestCheck);
  }
}
