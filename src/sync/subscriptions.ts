import type { ConnectClient } from '../connect/index.ts';
import { AgencyTag, type Subscription, type SubscriptionCriteria } from '../connect/wire/index.ts';
import { webhookHeaderLine } from './webhooks.ts';

/**
 * What the mirror listens to (facts §3.11): every person change that matters to identification and
 * staffing, applicant/prospect status moves, and clock-outs. Shifts have no criteria at all, which is why
 * the sync re-reads their near window on every incremental run.
 */
export const MIRROR_CRITERIA: readonly SubscriptionCriteria[] = [
  'patient.created',
  'patient.name.changed',
  'patient.address.changed',
  'patient.telecom.changed',
  'patient.deactivated.changed',
  'patient.dateofdeath.changed',
  'prospect.status.changed',
  'practitioner.created',
  'practitioner.name.changed',
  'practitioner.address.changed',
  'practitioner.telecom.changed',
  'practitioner.deactivated.changed',
  'applicant.status.changed',
  'encounter.clockout.changed',
];

export interface EnsureResult {
  endpoint: string;
  created: { criteria: string; id: string }[];
  present: { criteria: string; id: string }[];
  /** Ours by endpoint and criteria, but carrying another secret: replaced by a new one, then deleted. */
  replaced: { criteria: string; oldId: string; id: string }[];
}

export interface EnsureOptions {
  client: ConnectClient;
  /** The public URL WellSky should POST to, e.g. https://skybridge.example.org/webhooks/wellsky. */
  endpoint: string;
  secret: string;
  criteria?: readonly SubscriptionCriteria[];
}

/**
 * Creates the subscriptions the mirror needs, idempotently: it lists what exists first and creates only
 * what is missing, so running it twice creates nothing the second time.
 */
export async function ensureSubscriptions(options: EnsureOptions): Promise<EnsureResult> {
  const { client, endpoint, secret } = options;
  const url = new URL(endpoint);
  if (url.protocol !== 'https:' && !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new RangeError('the public URL must use https (the shared secret travels in a header)');
  }
  if (!secret || secret.length < 16) {
    throw new RangeError('SKYBRIDGE_WEBHOOK_SECRET must be set to at least 16 characters');
  }
  const headerLine = webhookHeaderLine(secret);
  const existing: Subscription[] = [];
  for await (const sub of client.subscriptions.list()) existing.push(sub);
  const result: EnsureResult = { endpoint, created: [], present: [], replaced: [] };
  for (const criteria of options.criteria ?? MIRROR_CRITERIA) {
    const ours = existing.filter(
      (s) =>
        s.criteria === criteria && s.channel?.endpoint === endpoint && (s.status ?? 'active') === 'active',
    );
    // A listing may not echo headers; when it does, the secret must be the current one.
    const current = ours.find((s) => !s.channel?.header || s.channel.header.includes(headerLine));
    if (current) {
      result.present.push({ criteria, id: current.id });
      continue;
    }
    const created = await client.subscriptions.create({
      resourceType: 'Subscription',
      status: 'active',
      criteria,
      reason: 'Skybridge mirror: refresh the named record',
      channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json', header: [headerLine] },
      ...(client.config.agencyId ? { meta: AgencyTag(client.config.agencyId) } : {}),
    });
    const stale = ours[0];
    if (stale) {
      await client.subscriptions.delete(stale.id);
      result.replaced.push({ criteria, oldId: stale.id, id: created.id });
    } else {
      result.created.push({ criteria, id: created.id });
    }
  }
  return result;
}
