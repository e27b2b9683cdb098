import type { Channel, ChannelOutcome } from './channels/channel.ts';
import { formatLocalTime, type QuietHours, quietUntil } from './quiet-hours.ts';
import type { MessagingRepo, OutboundMessage } from './repo.ts';

export const OPTED_OUT_REASON = 'opted out: this phone replied STOP and gets no texts until it sends START';

export interface OutboxOptions {
  repo: MessagingRepo;
  channel: Channel;
  workerId: string;
  now: () => Date;
  quietHours: QuietHours | null;
  timezone: string;
  leaseMs?: number;
  /** Ids only, never phones or texts. */
  onError?: (messageId: string, error: unknown) => void;
}

/**
 * Sends what is due, each message at most once: the claim keeps two senders apart, the attempt is
 * recorded before the provider is called, and an attempt a crash interrupted is repeated only on a
 * channel whose receiver deduplicates; otherwise the message is failed with "outcome unknown".
 */
export class Outbox {
  private readonly leaseMs: number;

  constructor(private readonly o: OutboxOptions) {
    this.leaseMs = o.leaseMs ?? 60_000;
  }

  /** Claims due messages (or exactly `ids`) and sends them; returns how many were worked on. */
  async deliverDue(options: { ids?: string[]; limit?: number } = {}): Promise<number> {
    const claimed = await this.o.repo.claimDue(this.o.workerId, {
      limit: options.limit ?? 20,
      leaseMs: this.leaseMs,
      now: this.o.now(),
      ...(options.ids ? { ids: options.ids } : {}),
    });
    for (const message of claimed) {
      try {
        await this.deliver(message);
      } catch (error) {
        // The claim is kept until its lease runs out: a message that keeps failing is retried once a
        // lease, not in a tight loop.
        this.o.onError?.(message.id, error);
      }
    }
    return claimed.length;
  }

  private async deliver(message: OutboundMessage): Promise<void> {
    const { repo, channel, workerId } = this.o;
    const now = this.o.now();
    const holder = { workerId };
    if (message.attempt_started_at !== null && !channel.resendSafe) {
      await repo.move(message.id, 'failed', {
        cause: 'interrupted attempt',
        now,
        holder,
        set: {
          reason:
            'outcome unknown: Skybridge stopped while handing this message to the provider; it was not sent ' +
            'again so that nobody gets it twice — check the provider’s log',
        },
      });
      return;
    }
    if (await repo.isOptedOut(message.to_phone)) {
      await repo.move(message.id, 'not-sent', {
        cause: 'opted out',
        now,
        holder,
        set: { reason: OPTED_OUT_REASON },
      });
      return;
    }
    const quiet = message.urgent ? null : quietUntil(now, this.o.quietHours, this.o.timezone);
    if (quiet) {
      await repo.reschedule(message.id, workerId, quiet, quietReason(quiet, this.o.timezone), now);
      return;
    }
    if (!(await repo.beginAttempt(message.id, workerId, now))) return;
    let outcome: ChannelOutcome;
    try {
      outcome = await channel.send({
        id: message.id,
        to: message.to_phone,
        body: message.body,
        purpose: message.purpose,
        urgent: message.urgent,
        refs: message.refs,
        attempt: message.attempts + 1,
        createdAt: message.created_at,
      });
    } catch (error) {
      this.o.onError?.(message.id, error);
      outcome = {
        kind: 'unknown',
        reason: 'the channel failed unexpectedly while sending; see the service log',
      };
    }
    await this.record(message, outcome);
  }

  private async record(message: OutboundMessage, outcome: ChannelOutcome): Promise<void> {
    const { repo, channel, workerId } = this.o;
    const now = this.o.now();
    const holder = { workerId };
    switch (outcome.kind) {
      case 'accepted': {
        // Delivered with the hand-over (the simulated channel): both moves in one transaction; when the
        // first cannot be made (another holder, a state already moved), the second is tried alone.
        const delivered = { to: 'delivered' as const, cause: `${channel.name}: delivered` };
        const sent = await repo.move(message.id, 'sent', {
          cause: `accepted by ${channel.name}`,
          now,
          holder,
          set: { provider_message_id: outcome.providerMessageId, reason: null },
          ...(outcome.delivered ? { andThen: delivered } : {}),
        });
        if (outcome.delivered && !sent.moved)
          await repo.move(message.id, delivered.to, {
            cause: delivered.cause,
            now,
            holder: { anyone: true },
          });
        return;
      }
      case 'failed':
        if (outcome.optedOut) await repo.setOptOut(message.to_phone, true, 'provider', null, now);
        await repo.move(message.id, 'failed', {
          cause: channel.name,
          now,
          holder,
          set: { reason: outcome.reason, error: outcome.reason },
        });
        return;
      case 'unknown':
        await repo.move(message.id, 'failed', {
          cause: 'outcome unknown',
          now,
          holder,
          set: { reason: outcome.reason, error: outcome.reason },
        });
        return;
      case 'retry': {
        const attempts = message.attempts + 1;
        if (attempts >= channel.maxAttempts) {
          const reason = `gave up after ${attempts} attempt(s): ${outcome.reason}`;
          await repo.move(message.id, 'failed', {
            cause: 'attempts exhausted',
            now,
            holder,
            set: { reason, error: outcome.reason },
          });
          return;
        }
        const next = new Date(now.getTime() + channel.backoffMs(attempts));
        await repo.reschedule(
          message.id,
          workerId,
          next,
          `will try again at ${next.toISOString()}: ${outcome.reason}`,
          now,
        );
        return;
      }
    }
  }
}

export function quietReason(until: Date, timezone: string): string {
  return `quiet hours: held until ${formatLocalTime(until, timezone)} (agency time)`;
}
