import { OperationsReport } from '../../operations/watch/report-schema.ts';
import { operationsSummary, ReportQuery } from '../../runtime/report-source.ts';
import { type ApiRoute, defineRoute } from './route.ts';
import { ErrorResponse } from './schemas.ts';

export const reportsRoutes: ApiRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/v1/reports/operations',
    scope: 'read',
    tag: 'reports',
    summary:
      'How the days went: EVV compliance, late and missed clock-ins, call-outs, fill rate and time to fill, confirmations, hours scheduled vs worked (per agency-local day, default the last 4 weeks); overtime exposure this week; the office board now',
    query: ReportQuery,
    responses: {
      200: { description: 'the figures, in the agency zone', schema: OperationsReport },
      400: {
        description: 'from/to are not dates, reversed, or more than 93 days apart',
        schema: ErrorResponse,
      },
    },
    audited: true,
    async handler(ctx) {
      const report = await operationsSummary(ctx.app, ctx.query);
      const ids = new Set<string>();
      for (const list of Object.values(report.now))
        for (const s of list) {
          ids.add(s.client.id);
          if (s.caregiver) ids.add(s.caregiver.id);
        }
      for (const c of report.callOuts) ids.add(c.caregiver.id).add(c.client.id);
      for (const c of report.overtime.caregivers) ids.add(c.id);
      ctx.audit(ids);
      return { body: report };
    },
  }),
];
