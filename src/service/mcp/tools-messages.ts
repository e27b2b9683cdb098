import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { MessagingInputError } from '../../messaging/messaging.ts';
import type { ToolContext } from './context.ts';
import { answer, guarded, requireScope, ToolInputError } from './results.ts';

const replyShape = {
  from: z
    .string()
    .min(1)
    .max(40)
    .describe(
      'The phone number the text came from, as your phone system shows it (any US format, e.g. +13035550142).',
    ),
  text: z
    .string()
    .min(1)
    .max(1600)
    .describe(
      'Exactly what the person texted, unedited (e.g. "YES", "no sorry", "STOP"). Never paraphrase or summarise.',
    ),
  messageId: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .describe(
      'Your phone system’s id for this text, if it has one. Passing the same id again is safe: it is recorded once.',
    ),
};

const STATE_SENTENCE = {
  processed: 'It was acted on.',
  unmatched:
    'It did not match anything waiting for an answer; it is kept for the office, and the sender got a polite note.',
  received: 'It is stored but could not be acted on yet; Skybridge will try again shortly.',
} as const;

export function registerMessageTools(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'record_text_reply',
    {
      title: 'Pass in a text message a caregiver sent',
      description:
        'Call this whenever a caregiver (or anyone) sends a TEXT MESSAGE to the agency’s number that your phone ' +
        'line received — above all replies to shift offers Skybridge sent ("YES", "NO", "1", "sí"), and opt-out ' +
        'words (STOP, START, HELP). Skybridge stores it, then acts on it: a YES to an open-shift offer may assign ' +
        'the shift, STOP stops all texts to that phone. Pass the sender’s number and the exact text; do not answer ' +
        'offer replies yourself — Skybridge sends any reply through the messaging channel and tells you what it ' +
        'did (`action`, `reply`). Not for phone calls or for texts Skybridge itself sent. Needs a write key.',
      inputSchema: replyShape,
      annotations: { readOnlyHint: false, idempotentHint: true },
    },
    (args) =>
      guarded(async () => {
        requireScope(ctx.scope, 'write', 'record_text_reply');
        await ctx.ready();
        const messaging = ctx.app.messaging;
        const result = await messaging
          .receive({
            from: args.from,
            text: args.text,
            provider: 'mcp',
            ...(args.messageId ? { providerMessageId: `mcp:${args.messageId}` } : {}),
          })
          .catch((e: unknown) => {
            if (e instanceof MessagingInputError) throw new ToolInputError(e.message, e.field);
            throw e;
          });
        const m = result.message;
        const reply = m.replyMessageId ? await messaging.get(m.replyMessageId) : undefined;
        const replyFacts =
          reply?.direction === 'outbound'
            ? { text: reply.body, state: reply.state, reason: reply.reason }
            : null;
        const summary = [
          result.duplicate ? 'This text was recorded before; nothing was done again.' : 'Text recorded.',
          STATE_SENTENCE[m.state],
          m.action ? `Action: ${m.action}.` : '',
          replyFacts
            ? `Reply to the sender: ${replyFacts.state}${replyFacts.reason ? ` (${replyFacts.reason})` : ''}.`
            : '',
        ]
          .filter(Boolean)
          .join(' ');
        return answer(summary, {
          wellsky: ctx.wellsky,
          channel: messaging.channel,
          messageId: m.id,
          duplicate: result.duplicate,
          state: m.state,
          action: m.action,
          reply: replyFacts,
        });
      }),
  );
}
