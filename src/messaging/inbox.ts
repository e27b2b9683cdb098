import { HELP_TEXT, keywordOf, OPTED_IN_TEXT, UNMATCHED_TEXT } from './keywords.ts';
import type { InboundMessage, MessagingRepo } from './repo.ts';
import type { InboundHandler, InboundOutcome, OutgoingText, SendResult } from './types.ts';

export interface InboxOptions {
  repo: MessagingRepo;
  workerId: string;
  now: () => Date;
  handlers: readonly InboundHandler[];
  send: (text: OutgoingText) => Promise<SendResult>;
  /**
   * Providers that answer STOP/START/HELP themselves (Twilio does) for the texts they delivered: then
   * we do not answer a second time. A text passed in through the API or MCP gets our answer.
   */
  providersAnsweringKeywords: readonly string[];
  leaseMs?: number;
  onError?: (messageId: string, error: unknown) => void;
}

/**
 * Acts on stored inbound texts: opt-out words first (never passed on), then the handlers in order; the
 * message is marked processed only after a handler returned, so one still `received` after a crash is
 * dispatched again (handlers are idempotent).
 */
export class Inbox {
  readonly leaseMs: number;

  constructor(private readonly o: InboxOptions) {
    this.leaseMs = o.leaseMs ?? 60_000;
  }

  /** Re-dispatches `received` messages nobody holds (after a crash, or stored by another process). */
  async processPending(limit = 20): Promise<number> {
    const rows = await this.o.repo.claimReceived(this.o.workerId, {
      limit,
      leaseMs: this.leaseMs,
      now: this.o.now(),
    });
    for (const row of rows) await this.process(row);
    return rows.length;
  }

  /** Processes one message this worker holds; a handler's error leaves it `received` for a later try. */
  async process(row: InboundMessage): Promise<void> {
    try {
      const result = await this.dispatch(row);
      let replyId: string | null = null;
      if (result.reply) {
        const sent = await this.o.send({
          key: `reply:${row.id}`,
          to: row.from_phone,
          body: result.reply,
          urgent: true,
          purpose: 'reply',
          refs: { inboundMessageId: row.id },
        });
        replyId = sent.messageId;
      }
      await this.o.repo.completeInbound(
        row.id,
        this.o.workerId,
        { state: result.state, action: result.action, replyMessageId: replyId },
        this.o.now(),
      );
    } catch (error) {
      // Left `received` under this worker's lease: the processor tries again once the lease has run
      // out, so a handler that keeps failing is not called in a tight loop.
      this.o.onError?.(row.id, error);
    }
  }

  private async dispatch(
    row: InboundMessage,
  ): Promise<{ state: 'processed' | 'unmatched'; action: string | null; reply: string | undefined }> {
    const keyword = keywordOf(row.body);
    const quiet = this.o.providersAnsweringKeywords.includes(row.provider);
    if (keyword) {
      const now = this.o.now();
      switch (keyword.keyword) {
        case 'opt-out':
          await this.o.repo.setOptOut(row.from_phone, true, keyword.word, row.id, now);
          return { state: 'processed', action: 'opted-out', reply: undefined };
        case 'opt-in':
          await this.o.repo.setOptOut(row.from_phone, false, keyword.word, row.id, now);
          return { state: 'processed', action: 'opted-in', reply: quiet ? undefined : OPTED_IN_TEXT };
        case 'help':
          return { state: 'processed', action: 'help', reply: quiet ? undefined : HELP_TEXT };
      }
    }
    const text = { messageId: row.id, from: row.from_phone, text: row.body, receivedAt: row.received_at };
    for (const handler of this.o.handlers) {
      const outcome: InboundOutcome = await handler(text);
      if (outcome.handled)
        return { state: 'processed', action: outcome.action ?? null, reply: outcome.reply };
    }
    return { state: 'unmatched', action: null, reply: UNMATCHED_TEXT };
  }
}
