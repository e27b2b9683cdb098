import type { FillEngine } from './engine.ts';
import { handToPerson } from './handover.ts';
import type { InboundOutcome, InboundText } from './ports.ts';
import { parseReply, type ReplyIntent } from './replies.ts';
import { PENDING_OFFER } from './states.ts';
import { texts } from './text.ts';

/**
 * The fill engine's inbound handler (registered with messaging). It takes only texts that concern a
 * fill: from a caregiver with an offer waiting, a shift they won and have not worked yet, or an offer
 * that closed recently. Everything else is left to the next handler (`handled: false`). Idempotent on
 * the message id: a re-dispatch after a crash finds the first decision, or finishes an acceptance this
 * same message began.
 */
/**
 * `current`: offers waiting and shifts won (registered before the watch, so an offer's YES is the fill's).
 * `late`: answers to offers that closed recently (registered after the watch, so a YES to tonight's
 * confirmation is not taken for a late YES to an offer that closed an hour ago).
 */
export type FillReplyPhase = 'current' | 'late';

export async function handleFillReply(
  engine: FillEngine,
  text: InboundText,
  phase: FillReplyPhase = 'current',
): Promise<InboundOutcome> {
  const { repo, ports } = engine;
  const prior = await repo.reply(text.messageId);
  if (prior)
    return {
      handled: true,
      action: prior.action ?? prior.intent,
      ...(prior.reply ? { reply: prior.reply } : {}),
    };
  const caregiverId = ports.contacts.caregiverByPhone(text.from);
  if (!caregiverId) return { handled: false };
  const intent = parseReply(text.text);

  const interrupted = await repo.db
    .selectFrom('fill_campaigns')
    .selectAll()
    .where('accepting_caregiver_id', '=', caregiverId)
    .where('lease_owner', '=', text.messageId)
    .executeTakeFirst();
  if (interrupted) {
    await engine.acceptance.complete(interrupted.id, { resumed: true });
    return record(engine, text, caregiverId, intent, { handled: true, action: 'accepted' });
  }

  const outcome = await decide(engine, text, caregiverId, intent, phase);
  if (!outcome.handled) return outcome;
  return record(engine, text, caregiverId, intent, outcome);
}

async function record(
  engine: FillEngine,
  text: InboundText,
  caregiverId: string,
  intent: ReplyIntent,
  outcome: InboundOutcome & { options?: string[] },
): Promise<InboundOutcome> {
  await engine.repo.saveReply({
    messageId: text.messageId,
    caregiverId,
    intent: intent.kind,
    action: outcome.action ?? intent.kind,
    reply: outcome.reply ?? null,
    options: outcome.options ?? null,
  });
  const { options: _o, ...rest } = outcome;
  return rest;
}

async function decide(
  engine: FillEngine,
  text: InboundText,
  caregiverId: string,
  intent: ReplyIntent,
  phase: FillReplyPhase,
): Promise<InboundOutcome & { options?: string[] }> {
  const { repo, ports, config } = engine;
  const now = ports.clock.now();
  const pending = await repo.pendingFor(caregiverId);
  if (phase === 'late' && pending.length > 0) return { handled: false };

  if (pending.length === 0) {
    if (intent.kind === 'no' && phase === 'current') {
      const won = await repo.wonUpcoming(caregiverId, now);
      if (won.length === 1) return engine.acceptance.backOut(won[0]!, caregiverId);
      // Several shifts won: which one is meant is a question for a person, never a guess.
      if (won.length > 1) {
        await handToPerson(engine, text, caregiverId, {
          why: `they hold ${won.length} shifts won by text and Skybridge does not guess which one they cannot work`,
          todo: 'ask the caregiver which shift they cannot work; take them off it in WellSky and start a fill for it (POST /api/v1/shifts/{id}/fill or the dashboard).',
          campaignIds: won.map((c) => c.id),
        });
        return { handled: true, action: 'needs-person', reply: texts.handedToPerson() };
      }
    }
    if (phase === 'current') return { handled: false };
    const recent = await repo.recentClosed(
      caregiverId,
      new Date(now.getTime() - config.lateReplyHours * 3_600_000),
    );
    if (!recent || intent.kind === 'unclear') return { handled: false };
    const yes = intent.kind === 'yes' || (intent.kind === 'number' && intent.n === 1);
    if (yes && recent.state !== 'accepted') {
      await repo.patchOffer(repo.db, recent.id, { said_yes: true, replied_at: now });
      const taken = recent.winner_caregiver_id && recent.winner_caregiver_id !== caregiverId;
      return {
        handled: true,
        action: 'late-yes',
        reply: taken ? texts.alreadyFilled(recent.shift) : texts.closed(),
      };
    }
    return { handled: true, action: 'late-reply', reply: texts.closed() };
  }

  const question = await repo.openQuestion(caregiverId);
  if (intent.kind === 'number' && question?.options) {
    const chosen = question.options[intent.n - 1];
    const offer = pending.find((p) => p.id === chosen);
    if (offer) {
      await repo.answerQuestion(question.message_id);
      return engine.acceptance.yes(offer, text.messageId);
    }
    return {
      handled: true,
      action: 'clarify',
      reply: texts.which(pending.map((p) => p.shift)),
      options: pending.map((p) => p.id),
    };
  }
  const kind =
    intent.kind === 'number' ? (intent.n === 1 ? 'yes' : intent.n === 2 ? 'no' : 'unclear') : intent.kind;

  if (kind === 'yes') {
    if (pending.length === 1) return engine.acceptance.yes(pending[0]!, text.messageId);
    return {
      handled: true,
      action: 'which',
      reply: texts.which(pending.map((p) => p.shift)),
      options: pending.map((p) => p.id),
    };
  }
  if (kind === 'no') {
    for (const p of pending) {
      const offer = await repo.offer(p.id);
      if (offer && PENDING_OFFER.includes(offer.state))
        await repo.moveOffer(repo.db, offer, 'declined', 'answered NO', { replied_at: now });
    }
    return { handled: true, action: 'declined', reply: texts.declined() };
  }
  // Unclear: one clarification; after it, every unclear text goes to a person (the caregiver may be
  // saying something that matters, "I can only do 3 hours"), and is never asked about again.
  const asked = Math.max(...pending.map((p) => p.clarifications));
  if (asked > 0) {
    await handToPerson(engine, text, caregiverId, {
      why: 'Skybridge could not read it as YES or NO, and the caregiver had already been asked once to answer YES or NO',
      todo: 'contact the caregiver. If they take the shift as offered, they can still reply YES (their offer is waiting) or you assign them in WellSky and cancel the fill campaign; if they cannot, they reply NO.',
      campaignIds: [...new Set(pending.map((p) => p.campaign_id))],
    });
  }
  for (const p of pending)
    await repo.patchOffer(repo.db, p.id, { clarifications: p.clarifications + 1, replied_at: now });
  if (asked === 0)
    return { handled: true, action: 'clarify', reply: texts.clarify(pending.map((p) => p.shift)) };
  // The first hand-over says a person will answer; later ones add no second canned text.
  return asked === 1
    ? { handled: true, action: 'needs-person', reply: texts.handedToPerson() }
    : { handled: true, action: 'needs-person' };
}
