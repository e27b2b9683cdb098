import type { Kysely } from 'kysely';
import type { FillCampaignRow, FillOfferRow } from '../../store/fill-types.ts';
import type { Database } from '../../store/types.ts';
import { OperationError } from '../errors.ts';
import { DEFAULT_RANKING } from '../ranking-config.ts';
import { Acceptance } from './accept.ts';
import type { FillConfig } from './config.ts';
import { occurrenceOf } from './occurrence.ts';
import type { FillPorts, ResolvedOccurrence } from './ports.ts';
import { FillRepo } from './repo.ts';
import { LIVE_CAMPAIGN, PENDING_OFFER } from './states.ts';
import { texts } from './text.ts';
import { collapse, escalationDeadline, LAST_WAVE, nextWaveAt, waveSize } from './waves.ts';

export interface StartOptions {
  origin: 'call-out' | 'request';
  callOutId?: string | undefined;
  /** Never offered: the caregiver who called out, anyone the office rules out. */
  exclude?: string[] | undefined;
}

export interface AdvanceSummary {
  at: string;
  campaigns: number;
  offersSent: number;
  escalated: number;
  expired: number;
  recovered: number;
}

/** A point where a test may stop the process (SIGKILL) to prove what survives a crash. */
export type PausePoint = 'after-accept-recorded' | 'after-assign' | 'after-reoffer-recorded';

export interface FillEngineOptions {
  /** Test-only: awaited at each pause point (the runtime wires it from SKYBRIDGE_FILL_TEST_PAUSE). */
  pause?: ((point: PausePoint) => Promise<void>) | undefined;
}

/**
 * Fill campaigns: offers in waves to the best-ranked eligible caregivers, the first YES wins (once),
 * the winner assigned in WellSky and read back, everyone told the outcome, a person called in by the
 * deadline. Time comes from the clock port and `advance(now)` does all timed work, so a test moves the
 * clock instead of sleeping.
 */
export class FillEngine {
  readonly repo: FillRepo;
  readonly acceptance: Acceptance;

  constructor(
    readonly ports: FillPorts,
    readonly config: FillConfig,
    db: Kysely<Database>,
    options: FillEngineOptions = {},
  ) {
    this.repo = new FillRepo(db, () => ports.clock.now());
    this.acceptance = new Acceptance(this, options.pause);
  }

  /** Starts (or finds the open) campaign for one occurrence and sends its first wave at once. */
  async start(
    target: { shiftId: string; date: string } | ResolvedOccurrence,
    options: StartOptions,
  ): Promise<{ campaignId: string; created: boolean }> {
    const o =
      'shiftId' in target ? await this.ports.occurrences.resolve(target.shiftId, target.date) : target;
    const now = this.ports.clock.now();
    if (o.start.getTime() <= now.getTime()) {
      throw new OperationError(
        'shift-over',
        `shift ${o.appointmentId} on ${o.shift.date} has already started; it can no longer be offered`,
      );
    }
    if (options.origin === 'request' && !o.isOpen && o.caregiverId) {
      throw new OperationError(
        'not-assigned',
        `shift ${o.appointmentId} on ${o.shift.date} is assigned to caregiver ${o.caregiverId}, not open: report a call-out (or unassign it in WellSky) first`,
      );
    }
    const exclude = [...new Set([...(options.exclude ?? []), ...(o.caregiverId ? [o.caregiverId] : [])])];
    const { campaign, created } = await this.repo.insertCampaign({
      appointment_id: o.appointmentId,
      occurrence_start: o.start,
      occurrence_end: o.end,
      client_id: o.clientId,
      origin: options.origin,
      call_out_id: options.callOutId ?? null,
      excluded_ids: JSON.stringify(exclude),
      shift: JSON.stringify(o.shift),
      next_wave_at: now,
      escalate_at: escalationDeadline(this.config, o.start, now),
    });
    if (created) await this.step(campaign.id);
    return { campaignId: campaign.id, created };
  }

  /** Everything due at `now`: waves, escalations, expiries, acceptances a crash interrupted. */
  async advance(): Promise<AdvanceSummary> {
    const now = this.ports.clock.now();
    const summary: AdvanceSummary = {
      at: now.toISOString(),
      campaigns: 0,
      offersSent: 0,
      escalated: 0,
      expired: 0,
      recovered: 0,
    };
    for (const u of await this.repo.unsent(new Date(now.getTime() - this.config.leaseSeconds * 1000))) {
      const c = await this.repo.campaign(u.campaign_id);
      const offer = await this.repo.offer(u.id);
      if (c && offer && (await this.sendOffer(c, offer))) summary.offersSent += 1;
    }
    for (const { id } of await this.repo.due(now)) {
      summary.campaigns += 1;
      const r = await this.step(id);
      summary.offersSent += r.offersSent;
      if (r.escalated) summary.escalated += 1;
      if (r.expired) summary.expired += 1;
      if (r.recovered) summary.recovered += 1;
    }
    return summary;
  }

  /** One campaign's due work, in order. */
  async step(id: string) {
    const r = { offersSent: 0, escalated: false, expired: false, recovered: false };
    const now = this.ports.clock.now();
    let c = await this.repo.campaign(id);
    if (!c) return r;
    if (c.accepting_caregiver_id && c.lease_until && c.lease_until.getTime() <= now.getTime()) {
      r.recovered = await this.acceptance.resume(c);
      c = (await this.repo.campaign(id))!;
    }
    if (LIVE_CAMPAIGN.includes(c.state) && c.occurrence_start.getTime() <= now.getTime()) {
      if (c.accepting_caregiver_id) return r;
      r.expired = await this.expire(c);
      return r;
    }
    if (c.state === 'open' && !c.accepting_caregiver_id && c.next_wave_at && c.next_wave_at <= now) {
      r.offersSent = await this.sendWave(c);
      c = (await this.repo.campaign(id))!;
    }
    if (c.state === 'open' && !c.accepting_caregiver_id) {
      const reason = await this.escalationReason(c, now);
      if (reason) r.escalated = await this.escalate(c, reason);
    }
    return r;
  }

  private async escalationReason(c: FillCampaignRow, now: Date): Promise<string | null> {
    const offers = await this.repo.offers(c.id);
    const pending = offers.filter((o) => PENDING_OFFER.includes(o.state)).length;
    if (!this.ports.messenger.canContact)
      return `no text messaging channel is configured (SKYBRIDGE_MESSAGING): nobody can be contacted`;
    if (c.escalate_at.getTime() <= now.getTime()) {
      const soon = c.escalate_at.getTime() <= c.created_at.getTime();
      return soon
        ? `the shift starts in less than ${this.config.escalateBeforeMinutes + this.config.waveGapsMinutes[0]} min: too soon to rely on texts alone`
        : `nobody has taken the shift ${this.config.escalateBeforeMinutes} min before it starts (${offers.length} offered)`;
    }
    if (c.waves_sent >= LAST_WAVE && pending === 0)
      return `every eligible caregiver has been asked (${offers.length} offered) and nobody took the shift`;
    return null;
  }

  /**
   * Who holds, through another fill, a shift overlapping this one (travel buffer included): the mirror
   * does not know of those assignments until the next sync, so the ranking alone would offer them.
   */
  committedElsewhere(c: FillCampaignRow, db = this.repo.db) {
    const buffer = DEFAULT_RANKING.travelBufferMinutes * 60_000;
    return this.repo.committedDuring(
      new Date(c.occurrence_start.getTime() - buffer),
      new Date(c.occurrence_end.getTime() + buffer),
      c.id,
      db,
    );
  }

  /** Ranks, records the wave's offers (durable first), then texts them. */
  private async sendWave(c: FillCampaignRow): Promise<number> {
    const now = this.ports.clock.now();
    const wave = collapse(c.escalate_at, now) ? LAST_WAVE : c.waves_sent + 1;
    const offered = (await this.repo.offers(c.id)).map((o) => o.caregiver_id);
    const size = Math.max(0, Math.min(waveSize(this.config, wave), this.config.maxOffers - offered.length));
    const busy = await this.committedElsewhere(c);
    const exclude = [...c.excluded_ids, ...offered, ...busy.keys()];
    const ranked =
      size === 0
        ? []
        : await this.ports.candidates.rank(occurrenceOf(c), { exclude, limit: Math.min(200, size + 20) });
    const picked = ranked.filter((r) => r.contactable && !exclude.includes(r.caregiverId)).slice(0, size);
    const inserted = await this.repo.transaction(async (trx) => {
      const locked = await this.repo.lockCampaign(trx, c.id);
      if (locked?.state !== 'open' || locked.waves_sent !== c.waves_sent || locked.accepting_caregiver_id)
        return [];
      const rows = await this.repo.insertOffers(
        trx,
        c.id,
        picked.map((p) => ({
          caregiverId: p.caregiverId,
          wave,
          rank: p.rank,
          score: p.score,
          reason: p.reason,
        })),
      );
      await this.repo.patchCampaign(trx, c.id, {
        waves_sent: wave,
        next_wave_at: nextWaveAt(this.config, wave, now, c.escalate_at),
      });
      return rows;
    });
    let sent = 0;
    for (const offer of inserted) if (await this.sendOffer(c, offer)) sent += 1;
    return sent;
  }

  /** Hands one queued offer to messaging (idempotent on its key); records sent or not-sent and why. */
  async sendOffer(c: FillCampaignRow, offer: FillOfferRow): Promise<boolean> {
    const current = await this.repo.offer(offer.id);
    if (current?.state !== 'queued') return false;
    const phone = this.ports.contacts.caregiverContact(offer.caregiver_id);
    if (!phone) {
      await this.repo.moveOffer(this.repo.db, current, 'not-sent', 'no phone number in WellSky');
      return false;
    }
    const urgent =
      c.occurrence_start.getTime() - this.ports.clock.now().getTime() <=
      this.config.urgentWithinHours * 3_600_000;
    // A queued offer that still holds a message id is offered again (the winner backed out): a new
    // logical message, keyed on the text it follows so a resend after a crash stays one.
    const previous = current.message_id;
    const result = await this.ports.messenger.send({
      key: `fill:${c.id}:offer:${offer.caregiver_id}${previous ? `:after:${previous}` : ''}`,
      to: phone,
      body: previous ? texts.offerAgain(c.shift) : texts.offer(c.shift),
      urgent,
      purpose: 'fill-offer',
      refs: { campaignId: c.id, caregiverId: offer.caregiver_id, offerId: offer.id },
    });
    if (result.state === 'not-sent' || result.state === 'failed') {
      await this.repo.moveOffer(this.repo.db, current, 'not-sent', result.reason ?? result.state, {
        message_id: result.messageId,
      });
      return false;
    }
    return this.repo.moveOffer(
      this.repo.db,
      current,
      'sent',
      result.state === 'queued' ? `handed to messaging (${result.reason ?? 'deferred'})` : 'texted',
      { message_id: result.messageId },
    );
  }

  private async escalate(c: FillCampaignRow, reason: string): Promise<boolean> {
    if (!(await this.repo.moveCampaign(this.repo.db, c, 'escalated', reason))) return false;
    const now = this.ports.clock.now();
    const offers = await this.repo.offers(c.id);
    const minutes = Math.round((c.occurrence_start.getTime() - now.getTime()) / 60_000);
    const task = await this.ports.office.submit({
      key: `fill:${c.id}:escalated`,
      title: `Open shift ${c.appointment_id} ${c.shift.date} ${c.shift.startTime} — find cover now`,
      text: [
        `Shift ${c.appointment_id} for client ${c.client_id}, ${c.shift.date} ${c.shift.startTime}–${c.shift.endTime}, is still open (starts in ${minutes} min).`,
        `Why a person is needed: ${reason}.`,
        `Offers: ${offers.length} (${offers.filter((o) => o.state === 'declined').length} declined, ${offers.filter((o) => PENDING_OFFER.includes(o.state)).length} unanswered). A caregiver who still answers YES gets it.`,
        `Fill campaign ${c.id}: see the dashboard's "Open shifts and fills" board.`,
      ].join('\n'),
      priority: 'urgent',
      clientId: c.client_id,
      appointmentId: c.appointment_id,
    });
    const notification = await this.ports.notifier.notify({
      event: 'fill-escalated',
      campaignId: c.id,
      shiftId: c.appointment_id,
      clientId: c.client_id,
      shiftStart: c.occurrence_start.toISOString(),
      shiftStartLocal: c.shift.start,
      minutesToStart: minutes,
      offersSent: offers.filter((o) => o.message_id).length,
      replies: offers.filter((o) => o.replied_at).length,
      reason,
    });
    await this.repo.patchCampaign(this.repo.db, c.id, {
      office_item_id: task.itemId,
      notification: JSON.stringify({ ...notification, officeTask: task.state }),
    });
    return true;
  }

  private async expire(c: FillCampaignRow): Promise<boolean> {
    if (
      !(await this.repo.moveCampaign(this.repo.db, c, 'expired', 'the shift started unfilled', {
        closed_at: this.ports.clock.now(),
      }))
    )
      return false;
    const pending = (await this.repo.offers(c.id)).filter((o) => PENDING_OFFER.includes(o.state));
    await this.repo.moveOffers(this.repo.db, pending, 'expired', 'the shift started');
    return true;
  }

  /** Stops a campaign: pending offers withdrawn, and caregivers who were texted are told. */
  async cancel(id: string, by: string): Promise<void> {
    const c = await this.repo.campaign(id);
    if (!c) throw new OperationError('no-such-shift', `there is no fill campaign ${id}`, 'id');
    if (c.state === 'cancelled') return;
    if (c.state === 'filled') {
      throw new OperationError(
        'not-assigned',
        `fill campaign ${id} is filled (caregiver ${c.winner_caregiver_id} is assigned in WellSky); change the assignment in WellSky instead`,
      );
    }
    if (c.state === 'expired')
      throw new OperationError('shift-over', `fill campaign ${id} has expired: the shift started`);
    if (c.accepting_caregiver_id) {
      throw new OperationError(
        'unavailable',
        `fill campaign ${id} is assigning a caregiver right now; try again in a moment`,
      );
    }
    if (
      !(await this.repo.moveCampaign(this.repo.db, c, 'cancelled', `cancelled by ${by}`, {
        closed_at: this.ports.clock.now(),
      }))
    )
      throw new OperationError('unavailable', `fill campaign ${id} changed meanwhile; try again`);
    await this.withdrawPending(c, 'cancelled', (s) => texts.cancelled(s));
  }

  /** Withdraws every pending offer; the caregivers actually texted get `notice`. */
  async withdrawPending(
    c: FillCampaignRow,
    why: string,
    notice: (s: FillCampaignRow['shift']) => string,
    except?: string,
  ): Promise<void> {
    const pending = (await this.repo.offers(c.id)).filter(
      (o) => o.caregiver_id !== except && PENDING_OFFER.includes(o.state),
    );
    // All in one statement: the last wave can leave a couple of hundred offers pending.
    for (const o of await this.repo.moveOffers(this.repo.db, pending, 'withdrawn', why)) {
      const texted = o.state === 'sent';
      const phone = this.ports.contacts.caregiverContact(o.caregiver_id);
      if (texted && phone) {
        await this.ports.messenger.send({
          // Per offer text: someone offered again after a back-out hears each outcome.
          key: `fill:${c.id}:withdrawn:${o.caregiver_id}:${o.message_id}`,
          to: phone,
          body: notice(c.shift),
          urgent: false,
          purpose: 'fill-withdrawn',
          refs: { campaignId: c.id, caregiverId: o.caregiver_id },
        });
      }
    }
  }
}
