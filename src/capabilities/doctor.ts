import { DateTime } from 'luxon';
import type { ConnectClient } from '../connect/client.ts';
import { ConnectError } from '../connect/errors.ts';
import {
  AGENCY_MISMATCH_EXPLANATION,
  type CapabilityStatus,
  interpret,
  isAgencyMismatch,
} from './interpret.ts';
import { PROBES, type ProbeContext, type ProbeKind } from './probes.ts';
import type { RateBudgetReport } from './rate-budget.ts';

export interface CapabilityResult {
  id: string;
  capability: string;
  method: string;
  route: string;
  kind: ProbeKind;
  status: CapabilityStatus;
  httpStatus: number | null;
  explanation: string;
}

export interface DoctorReport {
  checkedAt: string;
  target: { baseUrl: string; simulator: boolean; profile?: string | undefined };
  configuration: {
    clientId: string;
    agencyId: string | null;
    timezone: string;
    rateLimitPerSecond: number;
    /** Whether WellSky accepted WELLSKY_AGENCY_ID for these credentials; null when not set or not known. */
    agencyIdMatches: boolean | null;
  };
  authentication: {
    ok: boolean;
    explanation: string;
    tokenType?: string | undefined;
    lifetimeSeconds?: number | undefined;
  };
  capabilities: CapabilityResult[];
  /** Things the probes noticed beyond a status: silently ignored filters and the like. */
  findings: string[];
  /** Where documentation items are kept and what survives what (issue #3). */
  storage?: StorageReport | undefined;
  /** How requests are paced: one budget across processes or one process (issue #11). */
  rateBudget?: RateBudgetReport | undefined;
  summary: Record<CapabilityStatus, number>;
}

export interface StorageReport {
  engine: 'pglite' | 'postgres' | 'unavailable';
  survivesProcessKill: boolean | null;
  survivesPowerLoss: boolean | null;
  explanation: string;
}

export interface DoctorOptions {
  storage?: StorageReport | undefined;
  rateBudget?: RateBudgetReport | undefined;
  client: ConnectClient;
  /** Also make real writes (an office task and a small document); never clocks anyone in. */
  probeWrites?: boolean;
  simulatorProfile?: string | undefined;
  now?: () => Date;
}

/** A client id is not a secret, but a short prefix is all a person needs to recognise it. */
function maskId(id: string): string {
  return id.length <= 4 ? id : `${id.slice(0, 4)}…`;
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const { client } = options;
  const now = DateTime.fromJSDate(options.now?.() ?? new Date()).setZone(client.config.timezone);
  const report: DoctorReport = {
    checkedAt: now.toUTC().toISO()!,
    target: {
      baseUrl: client.config.baseUrl,
      simulator: options.simulatorProfile !== undefined,
      profile: options.simulatorProfile,
    },
    configuration: {
      clientId: maskId(client.config.clientId),
      agencyId: client.config.agencyId ?? null,
      timezone: client.config.timezone,
      rateLimitPerSecond: client.config.rateLimitPerSecond,
      agencyIdMatches: null,
    },
    authentication: { ok: false, explanation: '' },
    capabilities: [],
    findings: [],
    summary: { available: 0, refused: 0, 'no-such-route': 0, error: 0 },
    storage: options.storage,
    rateBudget: options.rateBudget,
  };

  try {
    await client.tokens.token();
    const info = client.tokens.info();
    report.authentication = {
      ok: true,
      explanation: `token issued (type "${info?.tokenType}", sent as "Bearer"), valid ${info?.lifetimeSeconds} s; renewed ahead of expiry`,
      tokenType: info?.tokenType,
      lifetimeSeconds: info?.lifetimeSeconds,
    };
  } catch (error) {
    report.authentication = {
      ok: false,
      explanation: error instanceof ConnectError ? error.message : `token request failed: ${String(error)}`,
    };
    return report;
  }

  const context = await discoverContext(client, now, report.findings);
  report.configuration.agencyIdMatches = await checkAgencyId(client);
  for (const probe of PROBES) {
    const result = await runProbe(client, probe, context);
    report.capabilities.push(result);
  }
  await checkActiveFilterQuirk(client, report.findings);
  if (options.probeWrites) {
    report.capabilities.push(...(await realWrites(client, context, now)));
  }
  if (report.capabilities.some((c) => c.explanation === AGENCY_MISMATCH_EXPLANATION)) {
    report.configuration.agencyIdMatches = false;
  }
  if (report.configuration.agencyIdMatches === false) {
    report.findings.unshift(
      `The agency id ${client.config.agencyId} does not match these credentials: WellSky answers 403 ` +
        '"Access denied. Invalid agencyId." on every call that carries it (notes, office tasks, documents, ' +
        'people writes). Check WELLSKY_AGENCY_ID: it must be the agency these API credentials belong to. ' +
        'This is not a permission to ask WellSky for.',
    );
  }
  for (const c of report.capabilities) report.summary[c.status]++;
  return report;
}

async function discoverContext(
  client: ConnectClient,
  now: DateTime,
  findings: string[],
): Promise<ProbeContext> {
  const context: ProbeContext = {
    caregiverId: '0',
    clientId: '0',
    encounterId: '0',
    today: now.toFormat('yyyyLLdd'),
    weekAgo: now.minus({ days: 7 }).toFormat('yyyyLLdd'),
    agencyId: client.config.agencyId,
  };
  // Real ids make the read probes meaningful; failures here are reported by the probes themselves.
  try {
    const caregivers = await client.practitioners.searchPage({ is_hired: true }, 0, 1);
    if (caregivers.resources[0]) context.caregiverId = caregivers.resources[0].id;
    const clients = await client.patients.searchPage({}, 0, 1);
    if (clients.resources[0]) context.clientId = clients.resources[0].id;
    if (context.caregiverId !== '0') {
      const from = now.minus({ days: 7 }).toFormat('yyyy-LL-dd');
      const to = now.toFormat('yyyy-LL-dd');
      const visits = client.encounters.search(
        { caregiverId: context.caregiverId, from, to, sort: '-startDate' },
        { pageSize: 1 },
      );
      for await (const visit of visits) {
        context.encounterId = visit.id;
        break;
      }
    }
  } catch (error) {
    findings.push(
      `Could not find sample records to probe with (${error instanceof ConnectError ? error.kind : 'error'}); read probes use id 0.`,
    );
  }
  return context;
}

/**
 * Asks WellSky whether the configured agency id is the credentials' own: a one-record client search
 * filtered by `agency_id` (facts §2.7) answers 403 "Invalid agencyId." for another agency. Null when
 * no agency id is set or the answer says neither.
 */
async function checkAgencyId(client: ConnectClient): Promise<boolean | null> {
  const agencyId = client.config.agencyId;
  if (!agencyId) return null;
  try {
    const response = await client.transport.raw('POST', '/v1/patients/_search/?_count=1&_page=0', {
      body: { agency_id: agencyId },
    });
    if (response.status === 403 && isAgencyMismatch(response.text)) return false;
    return response.status >= 200 && response.status < 300 ? true : null;
  } catch {
    return null;
  }
}

async function runProbe(
  client: ConnectClient,
  probe: (typeof PROBES)[number],
  context: ProbeContext,
): Promise<CapabilityResult> {
  const base = {
    id: probe.id,
    capability: probe.capability,
    method: probe.method,
    route: probe.route,
    kind: probe.kind,
  };
  try {
    const response = await client.transport.raw(probe.method, probe.path(context), {
      body: probe.body?.(context),
    });
    const verdict = interpret(probe.kind, response.status, response.text);
    const explanation = probe.caveat ? `${verdict.explanation}; ${probe.caveat}` : verdict.explanation;
    return { ...base, status: verdict.status, httpStatus: response.status, explanation };
  } catch (error) {
    return {
      ...base,
      status: 'error',
      httpStatus: null,
      explanation: `no answer: ${error instanceof Error ? error.name : 'error'} (network or timeout)`,
    };
  }
}

/** Facts §3.4 [V]: `active=true` on patients answers 200 with nothing. Say so when it happens here. */
async function checkActiveFilterQuirk(client: ConnectClient, findings: string[]) {
  try {
    const all = await client.patients.searchPage({}, 0, 1);
    const active = await client.patients.searchPage({ active: true }, 0, 1);
    if ((all.total ?? all.resources.length) > 0 && (active.total ?? active.resources.length) === 0) {
      findings.push(
        'Client search with active=true returns no records although clients exist (a silently unsupported filter); Skybridge filters active clients locally.',
      );
    }
  } catch {
    // The clients.read probe already reports why client search fails.
  }
}

async function realWrites(
  client: ConnectClient,
  context: ProbeContext,
  now: DateTime,
): Promise<CapabilityResult[]> {
  const results: CapabilityResult[] = [];
  const agencyTag = { tag: [{ code: 'agencyId', display: client.config.agencyId ?? '0' }] };
  const attempt = async (
    id: string,
    capability: string,
    route: string,
    write: () => Promise<unknown>,
  ): Promise<CapabilityResult> => {
    const base = { id, capability, method: 'POST', route, kind: 'write' as const };
    try {
      await write();
      return {
        ...base,
        status: 'available',
        httpStatus: 200,
        explanation: 'a real write succeeded (delete it in WellSky)',
      };
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
      if (error.status === 403 && isAgencyMismatch(error.message)) {
        return { ...base, status: 'error', httpStatus: 403, explanation: AGENCY_MISMATCH_EXPLANATION };
      }
      const status: CapabilityStatus =
        error.kind === 'unknown-route'
          ? 'no-such-route'
          : error.kind === 'permission-refused'
            ? 'refused'
            : 'error';
      return { ...base, status, httpStatus: error.status ?? null, explanation: error.message };
    }
  };
  results.push(
    await attempt('office-tasks.real-write', 'Create an office task (real write)', '/v1/adminTasks/', () =>
      client.adminTasks.create({
        status: 'received',
        description: 'Skybridge doctor: write probe. Safe to delete.',
        executionDate: now.toFormat('yyyy-LL-dd'),
        dueDate: now.plus({ days: 1 }).toFormat("yyyy-LL-dd'T'HH:mm:ss"),
        requester: [Number(client.config.agencyId ?? 0)],
        owner: [],
        meta: agencyTag,
      }),
    ),
  );
  if (context.clientId !== '0') {
    results.push(
      await attempt('documents.real-write', 'Upload a document (real write)', '/v1/documentReferences/', () =>
        client.documents.create({
          resourceType: 'DocumentReference',
          type: { text: 'General' },
          content: {
            attachment: {
              contentType: 'text/plain',
              data: Buffer.from('Skybridge doctor write probe. Safe to delete.').toString('base64'),
              title: 'skybridge-doctor-probe.txt',
            },
          },
          context: { related: [{ ref: `Patient/${context.clientId}` }] },
          meta: agencyTag,
        }),
      ),
    );
  }
  return results;
}
