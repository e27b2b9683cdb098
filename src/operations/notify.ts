import { z } from 'zod';

/**
 * What staff are told through `SKYBRIDGE_STAFF_WEBHOOK_URL`: ids, times and states only. Deliberately no
 * names, phone numbers or the caregiver's reason (it may carry health information): the receiver looks
 * people up in WellSky or on the dashboard, where access is controlled.
 */
export interface StaffNotice {
  event: 'call-out';
  callOutId: string;
  caregiverId: string;
  clientId: string;
  shiftId: string;
  shiftStart: string;
  shiftStartLocal: string;
  urgency: string;
  minutesToStart: number;
  shiftOpen: string;
  officeTask: string;
}

export interface NotificationOutcome {
  state: 'sent' | 'failed' | 'not-configured' | 'not-escalated';
  at: string;
  httpStatus?: number;
  error?: string;
}

const WebhookUrl = z.url({ protocol: /^https?$/ });

export function staffWebhookUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.SKYBRIDGE_STAFF_WEBHOOK_URL?.trim();
  if (!url) return undefined;
  const parsed = WebhookUrl.safeParse(url);
  if (!parsed.success) throw new Error('SKYBRIDGE_STAFF_WEBHOOK_URL must be an http(s) URL');
  return parsed.data;
}

/** POSTs the notice once, with a timeout; the outcome is recorded, never thrown. */
export async function notifyStaff(
  url: string | undefined,
  notice: StaffNotice,
  timeoutMs = 5_000,
): Promise<NotificationOutcome> {
  const at = new Date().toISOString();
  if (!url) return { state: 'not-configured', at };
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'skybridge' },
      body: JSON.stringify(notice),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.ok
      ? { state: 'sent', at, httpStatus: response.status }
      : {
          state: 'failed',
          at,
          httpStatus: response.status,
          error: `the staff webhook answered ${response.status}`,
        };
  } catch (error) {
    return {
      state: 'failed',
      at,
      error: `the staff webhook could not be reached (${(error as Error).name})`,
    };
  }
}
