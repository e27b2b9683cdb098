import type { Kysely } from 'kysely';
import type { Database } from './types.ts';

export interface CapabilityRow {
  capabilityId: string;
  status: string;
  httpStatus: number | null;
  explanation: string;
  checkedAt: Date;
  details?: Record<string, unknown>;
}

/** The measured capability matrix: one row per capability id, replaced on each probe. */
export class CapabilityRepo {
  constructor(private readonly db: Kysely<Database>) {}

  async saveCapabilities(rows: CapabilityRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db
      .insertInto('capability_matrix')
      .values(
        rows.map((row) => ({
          capability_id: row.capabilityId,
          status: row.status,
          http_status: row.httpStatus,
          explanation: row.explanation,
          details: JSON.stringify(row.details ?? {}),
          checked_at: row.checkedAt,
        })),
      )
      .onConflict((oc) =>
        oc.column('capability_id').doUpdateSet((eb) => ({
          status: eb.ref('excluded.status'),
          http_status: eb.ref('excluded.http_status'),
          explanation: eb.ref('excluded.explanation'),
          details: eb.ref('excluded.details'),
          checked_at: eb.ref('excluded.checked_at'),
        })),
      )
      .execute();
  }

  async loadCapabilities(): Promise<CapabilityRow[]> {
    const rows = await this.db.selectFrom('capability_matrix').selectAll().orderBy('capability_id').execute();
    return rows.map((row) => ({
      capabilityId: row.capability_id,
      status: row.status,
      httpStatus: row.http_status,
      explanation: row.explanation,
      checkedAt: row.checked_at,
      details: row.details,
    }));
  }
}
