import type { FillCampaignRow, FillOfferRow } from '../../store/fill-types.ts';
import type { FillEngine, PausePoint } from './engine.ts';
import { occurrenceOf } from './occurrence.ts';
import type { AssignOutcome, InboundOutcome } from './ports.ts';
import { LIVE_CAMPAIGN, PENDING_OFFER, WITHDRAWN_FILLED } from './states.ts';
import { texts } from './text.ts';
import { escalationDeadline } from './waves.ts';

/**
 * The first YES wins, exactly once. Eligibility is checked again at that moment; then, with the
 * campaign row locked, the first YES records itself as the acceptance in progress (with a lease) and
 * every later YES finds it taken. Only then is WellSky asked — a full-replacement PUT, idempotent, so a
 * crash and a retry assign the same caregiver — and the campaign is `filled` only when WellSky, read
 * back, shows that caregiver.
 */
export class Acceptance {
  constructor(
    private readonly engine: FillEngine,
    private readonly pause?: ((point: PausePoint) => Promise<void>) | undefined,
  ) {}

  private get repo() {
    return this.engine.repo;
  }
  private get ports() {
    return this.engine.ports;
  }

  async yes(offer: FillOfferRow, messageId: string): Promise<InboundOutcome> {
    const c = await this.repo.campaign(offer.campaign_id);
    if (!c) return { handled: false };
    const now = this.ports.clock.now();
    // Already taken: no need to rank anyone (the lock below decides races; this spares the late ones).
    if (c.accepting_caregiver_id || !LIVE_CAMPAIGN.includes(c.state)) {
      await this.repo.patchOffer(this.repo.db, offer.id, { said_yes: true, replied_at: now });
      return { handled: true, action: 'late-yes', reply: texts.alreadyFilled(c.shift) };
    }
    const eligibility = await this.ports.candidates.checkEligibility(offer.caregiver_id, occurrenceOf(c));
    if (!eligibility.eligible) {
      await this.repo.moveOffer(
        this.repo.db,
        offer,
        'withdrawn',
        `answered YES but cannot take it now: ${eligibility.reasons.join('; ')}`,
        { said_yes: true, replied_at: now },
      );
      return { handled: true, action: 'not-eligible', reply: texts.notEligible(c.shift) };
    }
    const won = await this.repo.transaction(async (trx): Promise<boolean | 'busy'> => {
      const locked = await this.repo.lockCampaign(trx, c.id);
      const fresh = await this.repo.offer(offer.id, trx);
      if (
        !locked ||
        !fresh ||
        !LIVE_CAMPAIGN.includes(locked.state) ||
        locked.accepting_caregiver_id ||
        !PENDING_OFFER.includes(fresh.state)
      ) {
        if (fresh) await this.repo.patchOffer(trx, fresh.id, { said_yes: true, replied_at: now });
        return false;
      }
      // Won another shift overlapping this one through a fill (the mirror may not know yet).
      const held = (await this.engine.committedElsewhere(locked, trx)).get(offer.caregiver_id);
      if (held) {
        await this.repo.moveOffer(
          trx,
          fresh,
          'withdrawn',
          `answered YES but already holds shift ${held.appointmentId} at ${held.start.toISOString()}, which overlaps`,
          { said_yes: true, replied_at: now },
        );
        return 'busy';
      }
      await this.repo.moveOffer(trx, fresh, 'accepted', 'answered YES first', {
        said_yes: true,
        replied_at: now,
      });
      await this.repo.patchCampaign(trx, c.id, {
        accepting_caregiver_id: offer.caregiver_id,
        accepting_offer_id: offer.id,
        lease_owner: messageId,
        lease_until: new Date(now.getTime() + this.engine.config.leaseSeconds * 1000),
        accepted_at: now,
      });
      return true;
    });
    if (won === 'busy') return { handled: true, action: 'not-eligible', reply: texts.notEligible(c.shift) };
    if (!won) return { handled: true, action: 'late-yes', reply: texts.alreadyFilled(c.shift) };
    await this.pause?.('after-accept-recorded');
    await this.complete(c.id);
    return { handled: true, action: 'accepted' };
  }

  /** Takes over an acceptance whose lease ran out (its process died) and completes it. */
  async resume(c: FillCampaignRow, owner = `resume:${c.id}`): Promise<boolean> {
    const now = this.ports.clock.now();
    const taken = await this.repo.db
      .updateTable('fill_campaigns')
      .set({
        lease_owner: owner,
        lease_until: new Date(now.getTime() + this.engine.config.leaseSeconds * 1000),
      })
      .where('id', '=', c.id)
      .where('accepting_caregiver_id', '=', c.accepting_caregiver_id)
      .where('lease_until', '<=', now)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) !== 1) return false;
    await this.complete(c.id, { resumed: true });
    return true;
  }

  /** Assigns the accepting caregiver in WellSky, then records the true outcome and tells everyone. */
  async complete(campaignId: string, options: { resumed?: boolean } = {}): Promise<void> {
    const c = await this.repo.campaign(campaignId);
    if (!c?.accepting_caregiver_id) return;
    const winner = c.accepting_caregiver_id;
    // After a crash WellSky may already hold the change: look before writing again.
    const already = options.resumed
      ? await this.ports.scheduling.current(occurrenceOf(c)).catch(() => undefined)
      : undefined;
    const outcome: AssignOutcome =
      already === winner
        ? { state: 'assigned', detail: `caregiver ${winner} is assigned in WellSky (found after a restart)` }
        : await this.assign(c, winner);
    await this.pause?.('after-assign');
    const to = outcome.state === 'assigned' ? 'filled' : 'accepted-unassigned';
    const moved = await this.repo.moveCampaign(this.repo.db, c, to, outcome.detail, {
      winner_caregiver_id: winner,
      accepting_caregiver_id: null,
      accepting_offer_id: null,
      lease_owner: null,
      lease_until: null,
      assignment: JSON.stringify({
        ...outcome,
        caregiverId: winner,
        at: this.ports.clock.now().toISOString(),
      }),
      closed_at: this.ports.clock.now(),
    });
    if (!moved) return;
    await this.engine.withdrawPending(c, WITHDRAWN_FILLED, (s) => texts.withdrawn(s), winner);
    const phone = this.ports.contacts.caregiverContact(winner);
    if (phone) {
      await this.ports.messenger.send({
        key: `fill:${c.id}:confirm:${winner}`,
        to: phone,
        body: to === 'filled' ? texts.confirmed(c.shift) : texts.acceptedUnassigned(c.shift),
        urgent: true,
        purpose: 'fill-confirmation',
        refs: { campaignId: c.id, caregiverId: winner },
      });
    }
    if (to === 'accepted-unassigned') await this.askPersonToAssign(c, winner, outcome);
  }

  private async assign(c: FillCampaignRow, caregiverId: string): Promise<AssignOutcome> {
    try {
      return await this.ports.scheduling.assign(occurrenceOf(c), caregiverId);
    } catch (error) {
      return { state: 'failed', detail: `assignment could not be attempted (${(error as Error).name})` };
    }
  }

  private async askPersonToAssign(c: FillCampaignRow, winner: string, outcome: AssignOutcome) {
    const task = await this.ports.office.submit({
      key: `fill:${c.id}:assign:${winner}`,
      title: `Assign caregiver ${winner} to shift ${c.appointment_id} ${c.shift.date} ${c.shift.startTime} in WellSky`,
      text: [
        `Caregiver ${winner} accepted open shift ${c.appointment_id} (client ${c.client_id}), ${c.shift.date} ${c.shift.startTime}–${c.shift.endTime}, by text.`,
        `Skybridge could not assign them in WellSky: ${outcome.detail}.`,
        `To do: in WellSky, open shift ${c.appointment_id} on ${c.shift.date}, set caregiver ${winner}, save. The caregiver has been told the office will confirm.`,
        `Fill campaign ${c.id}.`,
      ].join('\n'),
      priority: 'urgent',
      clientId: c.client_id,
      caregiverId: winner,
      appointmentId: c.appointment_id,
    });
    const now = this.ports.clock.now();
    const offers = await this.repo.offers(c.id);
    const notification = await this.ports.notifier.notify({
      event: 'fill-accepted-unassigned',
      campaignId: c.id,
      shiftId: c.appointment_id,
      clientId: c.client_id,
      shiftStart: c.occurrence_start.toISOString(),
      shiftStartLocal: c.shift.start,
      minutesToStart: Math.round((c.occurrence_start.getTime() - now.getTime()) / 60_000),
      offersSent: offers.filter((o) => o.message_id).length,
      replies: offers.filter((o) => o.replied_at).length,
      reason: outcome.detail,
    });
    await this.repo.patchCampaign(this.repo.db, c.id, {
      office_item_id: task.itemId,
      notification: JSON.stringify({ ...notification, officeTask: task.state }),
    });
  }

  /**
   * The winner can no longer work it: the shift is opened again in WellSky and the campaign resumes
   * without them (the next wave goes out at once).
   */
  async backOut(c: FillCampaignRow, caregiverId: string): Promise<InboundOutcome> {
    const now = this.ports.clock.now();
    let detail = 'was not assigned in WellSky';
    if (c.state === 'filled') {
      const outcome = await this.ports.scheduling
        .unassign(occurrenceOf(c), caregiverId)
        .catch((e: Error) => ({ state: 'failed' as const, detail: `not attempted (${e.name})` }));
      detail = outcome.detail;
      if (outcome.state !== 'assigned') {
        await this.ports.office.submit({
          key: `fill:${c.id}:unassign:${caregiverId}`,
          title: `Unassign caregiver ${caregiverId} from shift ${c.appointment_id} ${c.shift.date} ${c.shift.startTime} in WellSky`,
          text: `Caregiver ${caregiverId} accepted this shift by text, then said they cannot work it. Skybridge could not take them off it in WellSky (${outcome.detail}). To do: in WellSky, open shift ${c.appointment_id} on ${c.shift.date}, remove the caregiver, save. The fill campaign ${c.id} is looking for someone else.`,
          priority: 'urgent',
          clientId: c.client_id,
          caregiverId,
          appointmentId: c.appointment_id,
        });
      }
    }
    const again = await this.offeredAgain(c, caregiverId);
    const reopened: FillOfferRow[] = [];
    const moved = await this.repo.transaction(async (trx) => {
      const locked = await this.repo.lockCampaign(trx, c.id);
      if (!locked || locked.state !== c.state || locked.winner_caregiver_id !== caregiverId) return false;
      const ok = await this.repo.moveCampaign(
        trx,
        locked,
        'open',
        `caregiver ${caregiverId} backed out (${detail})`,
        {
          winner_caregiver_id: null,
          excluded_ids: JSON.stringify([...new Set([...locked.excluded_ids, caregiverId])]),
          next_wave_at: now,
          escalate_at: escalationDeadline(this.engine.config, locked.occurrence_start, now),
          accepted_at: null,
          closed_at: null,
        },
      );
      const offers = await this.repo.offers(c.id, trx);
      const mine = offers.find((o) => o.caregiver_id === caregiverId && o.state === 'accepted');
      if (mine)
        await this.repo.moveOffer(trx, mine, 'declined', 'backed out after accepting', { replied_at: now });
      for (const o of offers) {
        if (!again.has(o.id) || o.state !== 'withdrawn' || o.state_reason !== WITHDRAWN_FILLED) continue;
        const cause = `offered again: caregiver ${caregiverId} backed out`;
        if (await this.repo.moveOffer(trx, o, 'queued', cause, { clarifications: 0 })) reopened.push(o);
      }
      return ok;
    });
    if (!moved) return { handled: true, action: 'back-out-ignored', reply: texts.handedToPerson() };
    // Texted before the next wave: they ranked first last time. A crash before this leaves them queued
    // for `advance` to send (repo.unsent), with the same message keys.
    await this.pause?.('after-reoffer-recorded');
    for (const o of reopened) await this.engine.sendOffer(c, o);
    await this.engine.step(c.id);
    return { handled: true, action: 'backed-out', reply: texts.backedOut(c.shift) };
  }

  /**
   * Offers to make again when the winner backs out: those the fill withdrew unanswered (they never
   * decided), still eligible now. Not the one backing out, not those who said NO or were ruled out.
   */
  private async offeredAgain(c: FillCampaignRow, backingOut: string): Promise<Set<string>> {
    const ids = new Set<string>();
    const busy = await this.engine.committedElsewhere(c);
    for (const o of await this.repo.offers(c.id)) {
      if (o.state !== 'withdrawn' || o.state_reason !== WITHDRAWN_FILLED) continue;
      if (o.caregiver_id === backingOut || c.excluded_ids.includes(o.caregiver_id)) continue;
      if (busy.has(o.caregiver_id)) continue;
      const now = await this.ports.candidates
        .checkEligibility(o.caregiver_id, occurrenceOf(c))
        .catch(() => ({ eligible: false }));
      if (now.eligible) ids.add(o.id);
    }
    return ids;
  }
}
