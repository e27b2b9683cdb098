import type { Store } from '../store/index.ts';

export interface AuditEntry {
  id: string;
  at: string;
  keyId: string | null;
  method: string;
  route: string;
  status: number;
  subjectIds: string[];
}

/**
 * The audit log of reads of client and caregiver data: which key, which route (the template, never the
 * query string, which may hold a phone number or a name), whose records (ids only), when.
 */
export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: {
    keyId: string | null;
    method: string;
    route: string;
    status: number;
    subjectIds: string[];
  }) {
    await this.store.db
      .insertInto('audit_log')
      .values({
        at: this.now(),
        key_id: entry.keyId,
        method: entry.method,
        route: entry.route,
        status: entry.status,
        subject_ids: JSON.stringify([...new Set(entry.subjectIds)].slice(0, 500)),
      })
      .execute();
  }

  async recent(limit = 100): Promise<AuditEntry[]> {
    const rows = await this.store.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      keyId: r.key_id,
      method: r.method,
      route: r.route,
      status: r.status,
      subjectIds: r.subject_ids,
    }));
  }
}
