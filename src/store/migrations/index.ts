import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_documentation_pipeline.ts';
import * as m0002 from './0002_hold_codes.ts';
import * as m0003 from './0003_mirror.ts';
import * as m0004 from './0004_service.ts';
import * as m0005 from './0005_operations.ts';
import * as m0006 from './0006_messaging.ts';
import * as m0007 from './0007_fill.ts';
import * as m0008 from './0008_intake.ts';
import * as m0009 from './0009_rate_budget.ts';
import * as m0010 from './0010_watch.ts';
import * as m0011 from './0011_call_out_lease.ts';
import * as m0012 from './0012_audit_spool.ts';

// In code rather than kysely's FileMigrationProvider: no directory scan at run time, so the list
// cannot differ between a checkout, a packaged build and tsx. Add new files here, in order.
const migrations: Record<string, Migration> = {
  '0001_documentation_pipeline': m0001,
  '0002_hold_codes': m0002,
  '0003_mirror': m0003,
  '0004_service': m0004,
  '0005_operations': m0005,
  '0006_messaging': m0006,
  '0007_fill': m0007,
  '0008_intake': m0008,
  '0009_rate_budget': m0009,
  '0010_watch': m0010,
  '0011_call_out_lease': m0011,
  '0012_audit_spool': m0012,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
