import { ControlError, type SimulatorControl } from './control.ts';
import { json, type Reply } from './http.ts';

type Body = Record<string, unknown>;
type ControlRoute = [
  method: string,
  pattern: RegExp,
  run: (c: SimulatorControl, m: string[], body: Body, query: URLSearchParams) => unknown,
];

const done = (action: () => void) => {
  action();
  return { success: true };
};

/**
 * The HTTP twin of `SimulatorControl` under `/__sim/` (no auth, never under `/v1/`), so a simulator
 * started from the CLI can be steered from another process.
 */
const ROUTES: ControlRoute[] = [
  ['GET', /^\/__sim\/stats$/, (c) => c.stats()],
  ['POST', /^\/__sim\/stats\/reset$/, (c) => done(() => c.resetStats())],
  ['GET', /^\/__sim\/config$/, (c) => c.config()],
  ['PATCH', /^\/__sim\/config$/, (c, _m, body) => c.configure(body)],
  ['POST', /^\/__sim\/tokens\/revoke$/, (c) => ({ revoked: c.revokeTokens() })],
  ['GET', /^\/__sim\/tasklogs$/, (c) => c.taskLogs()],
  ['GET', /^\/__sim\/clockins$/, (c) => c.clockIns()],
  ['GET', /^\/__sim\/admintasks$/, (c) => c.adminTasks()],
  ['GET', /^\/__sim\/documents$/, (c) => c.documents()],
  ['GET', /^\/__sim\/webhooks$/, (c) => c.webhooks()],
  ['GET', /^\/__sim\/summary$/, (c) => c.summary()],
  ['POST', /^\/__sim\/patients$/, (c, _m, body) => c.createPatient(body)],
  ['PATCH', /^\/__sim\/patients\/(\d+)$/, (c, m, body) => c.updatePatient(m[1] as string, body)],
  ['POST', /^\/__sim\/practitioners$/, (c, _m, body) => c.createPractitioner(body)],
  ['PATCH', /^\/__sim\/practitioners\/(\d+)$/, (c, m, body) => c.updatePractitioner(m[1] as string, body)],
  [
    'POST',
    /^\/__sim\/practitioners\/(\d+)\/deactivate$/,
    (c, m, body) => c.deactivatePractitioner(m[1] as string, String(body.reason ?? 'Inactive')),
  ],
  [
    'GET',
    /^\/__sim\/appointments$/,
    (c, _m, _b, q) =>
      c.data.appointmentsFor({
        clientId: q.get('clientId') ?? undefined,
        caregiverId: q.get('caregiverId') ?? undefined,
        from: q.get('from') ?? '',
        to: q.get('to') ?? '',
      }),
  ],
  ['POST', /^\/__sim\/appointments$/, (c, _m, body) => c.addOneOffShift(body as never)],
  ['DELETE', /^\/__sim\/appointments\/(\d+)$/, (c, m) => done(() => c.removeAppointment(m[1] as string))],
  [
    'DELETE',
    /^\/__sim\/appointments\/(\d+)\/occurrences\/([\d-]+)$/,
    (c, m) => done(() => c.removeOccurrence(m[1] as string, m[2] as string)),
  ],
  [
    'PUT',
    /^\/__sim\/appointments\/(\d+)\/occurrences\/([\d-]+)\/caregiver$/,
    (c, m, body) =>
      c.assignOccurrence(m[1] as string, m[2] as string, (body.caregiverId ?? null) as string | null),
  ],
  [
    'POST',
    /^\/__sim\/webhooks\/flush$/,
    async (c) => {
      await c.flushWebhooks();
      return { success: true };
    },
  ],
];

export async function handleControl(
  control: SimulatorControl,
  method: string,
  path: string,
  query: URLSearchParams,
  rawBody: string,
): Promise<Reply> {
  let body: Body = {};
  try {
    body = rawBody ? (JSON.parse(rawBody) as Body) : {};
  } catch {
    return json(400, { error: 'control bodies are JSON' });
  }
  for (const [m, pattern, run] of ROUTES) {
    const match = m === method ? pattern.exec(path) : null;
    if (!match) continue;
    try {
      return json(200, (await run(control, [...match], body, query)) ?? { success: true });
    } catch (error) {
      if (error instanceof ControlError) return json(error.status, { error: error.message });
      return json(400, { error: (error as Error).message });
    }
  }
  return json(404, { error: `no control route ${method} ${path}` });
}
