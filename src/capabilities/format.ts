import type { DoctorReport } from './doctor.ts';
import { formatRateBudget } from './rate-budget.ts';

const MARK: Record<string, string> = {
  available: 'available',
  refused: 'REFUSED',
  'no-such-route': 'no-such-route',
  error: 'ERROR',
};

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row) =>
      row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  '),
    )
    .join('\n');
}

/** The report as a person reads it in a terminal. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines: string[] = [];
  const target = report.target.simulator
    ? `${report.target.baseUrl} (Skybridge's WellSky simulator, profile ${report.target.profile})`
    : report.target.baseUrl;
  lines.push(`WellSky Connect: ${target}`);
  lines.push(
    `Client id ${report.configuration.clientId}, agency ${report.configuration.agencyId ?? '(not set)'}, time zone ${report.configuration.timezone}, self-imposed limit ${report.configuration.rateLimitPerSecond} requests/s`,
  );
  if (report.storage) {
    const s = report.storage;
    const guarantee =
      s.engine === 'unavailable'
        ? ''
        : ` (survives a killed process: ${s.survivesProcessKill ? 'yes' : 'no'}; a power loss: ${s.survivesPowerLoss ? 'yes' : 'NO'})`;
    lines.push(`Storage: ${s.engine}${guarantee} — ${s.explanation}`);
  }
  if (report.rateBudget) lines.push(formatRateBudget(report.rateBudget));
  lines.push(
    `Authentication: ${report.authentication.ok ? 'OK' : 'FAILED'} — ${report.authentication.explanation}`,
  );
  if (!report.authentication.ok) return lines.join('\n');
  if (report.configuration.agencyIdMatches === false) {
    lines.push(
      `Agency id: DOES NOT MATCH these credentials — WellSky refuses agency ${report.configuration.agencyId} ` +
        '("Access denied. Invalid agencyId."). Check WELLSKY_AGENCY_ID; do not ask WellSky for permissions.',
    );
  } else if (report.configuration.agencyIdMatches === true) {
    lines.push(`Agency id: ${report.configuration.agencyId} is the agency of these credentials`);
  }
  lines.push('');
  const rows = [['CAPABILITY', 'METHOD ROUTE', 'STATUS', 'WHY']];
  for (const c of report.capabilities) {
    rows.push([c.capability, `${c.method} ${c.route}`, MARK[c.status] ?? c.status, c.explanation]);
  }
  lines.push(table(rows));
  if (report.findings.length > 0) {
    lines.push('', 'Findings:');
    for (const finding of report.findings) lines.push(`  - ${finding}`);
  }
  const s = report.summary;
  lines.push(
    '',
    `${s.available} available, ${s.refused} refused, ${s['no-such-route']} without a route, ${s.error} with errors.`,
  );
  return lines.join('\n');
}
