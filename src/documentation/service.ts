import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import type { DocumentationRepo } from '../store/documentation-repo.ts';
import type { ItemKind, ItemState } from '../store/types.ts';
import { acceptRequest, IntakeError } from './intake.ts';
import { type HoldCode, REPLAYABLE_HOLDS } from './routing.ts';
import type { KnownSubjects, SubjectDirectory, SubjectKind } from './subjects.ts';
import { type ItemView, viewOf } from './view.ts';
import type { DeliveryWorker } from './worker.ts';

export interface SubmitOutcome {
  item: ItemView;
  /** False when the idempotency key was already known: the existing item, unchanged. */
  created: boolean;
  /** Characters replaced while sanitising the text (control characters, broken Unicode). */
  sanitized: number;
}

export interface DocumentationServiceOptions {
  repo: DocumentationRepo;
  timezone: string;
  /** Checks that client/caregiver/prospect ids exist; absent = not checked. */
  subjects?: SubjectDirectory;
  /**
   * What the local mirror already knows exists (no network): a known id skips the live check, which keeps
   * accepting a note off WellSky's latency; an id the mirror does not know yet is still checked live.
   */
  known?: KnownSubjects;
  /** Delivers a new item at once when given (the caller can still wait or not). */
  worker?: DeliveryWorker;
  now?: () => Date;
}

/**
 * The documentation front door: validate, store durably (acknowledged only once stored), then try to
 * deliver; every answer is the item's true state.
 */
export class DocumentationService {
  private readonly now: () => Date;

  constructor(private readonly options: DocumentationServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Stores the item before any delivery; with `waitMs` > 0 and a worker, delivers it right away and
   * returns the state it reached (delivered, held, failed — or still pending after a transient error).
   */
  async submit(raw: unknown, options: { waitMs?: number } = {}): Promise<SubmitOutcome> {
    const accepted = acceptRequest(raw, {
      timezone: this.options.timezone,
      now: DateTime.fromJSDate(this.now()),
    });
    if (accepted.key) {
      const existing = await this.options.repo.getByKey(accepted.key);
      if (existing) return { item: viewOf(existing), created: false, sanitized: 0 };
    }
    await this.checkSubjects(accepted);
    const { item, created } = await this.options.repo.submit({
      idempotencyKey: accepted.key ?? randomUUID(),
      kind: accepted.kind,
      occurredAt: accepted.occurredAt.toJSDate(),
      text: accepted.text,
      title: accepted.title ?? null,
      source: accepted.source ?? null,
      clientId: accepted.clientId ?? null,
      caregiverId: accepted.caregiverId ?? null,
      prospectId: accepted.prospectId ?? null,
      appointmentId: accepted.appointmentId ?? null,
      dueAt: accepted.dueAt?.toJSDate() ?? null,
      priority: accepted.priority ?? null,
      payload: accepted.payload,
    });
    let current = item;
    const worker = this.options.worker;
    if (created && worker && (options.waitMs ?? 0) > 0) {
      const deadline = Date.now() + options.waitMs!;
      await withTimeout(worker.runOnce({ ids: [item.id] }), options.waitMs!);
      current = (await this.options.repo.get(item.id)) ?? item;
      // Another worker may have claimed it first: wait until its first attempt has an outcome (the claim is
      // released), not for success — a retry after a transient error is a true answer too.
      while (
        current.state === 'pending' &&
        (current.attempt_count === 0 || current.claimed_by !== null) &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        current = (await this.options.repo.get(item.id)) ?? current;
      }
    } else if (created) {
      worker?.nudge();
    }
    return { item: viewOf(current), created, sanitized: accepted.sanitized };
  }

  async get(id: string): Promise<ItemView | undefined> {
    const item = (await this.options.repo.get(id)) ?? (await this.options.repo.getByKey(id));
    if (!item) return undefined;
    return viewOf(item, { text: true, attempts: await this.options.repo.attempts(item.id) });
  }

  async list(
    filter: { state?: ItemState; kind?: ItemKind; limit?: number; before?: string } = {},
  ): Promise<ItemView[]> {
    const items = await this.options.repo.list(filter);
    return items.map((item) => viewOf(item));
  }

  /** Held items that can be sent again without risk of a duplicate (of the given hold codes), back to pending. */
  async replayHeld(codes: readonly HoldCode[] = REPLAYABLE_HOLDS): Promise<ItemView[]> {
    const items = await this.options.repo.requeueHeld({ filter: { codes: [...codes] }, actor: 'replay' });
    this.options.worker?.nudge();
    return items.map((item) => viewOf(item));
  }

  /** A person checked WellSky and wants this held item sent (again). */
  async retry(id: string, by: string): Promise<ItemView> {
    const [item] = await this.options.repo.requeueHeld({
      filter: { ids: [id] },
      actor: `staff:${by}`,
      clearVerification: true,
    });
    if (!item) throw new IntakeError(`item ${id} is not held, so there is nothing to retry`, 'id');
    this.options.worker?.nudge();
    return viewOf(item);
  }

  async resolve(
    id: string,
    resolution: {
      comment: string;
      by: string;
      outcome: 'entered-in-wellsky' | 'dismissed';
      wellskyId?: string;
    },
  ): Promise<ItemView> {
    return viewOf(await this.options.repo.resolveManually(id, { ...resolution, now: this.now() }));
  }

  private async checkSubjects(accepted: ReturnType<typeof acceptRequest>) {
    const check = this.options.subjects;
    if (!check) return;
    const subjects: [SubjectKind, string | undefined, string][] = [
      ['client', accepted.clientId, 'clientId'],
      ['caregiver', accepted.caregiverId, 'caregiverId'],
      ['prospect', accepted.prospectId, 'prospectId'],
    ];
    for (const [kind, id, field] of subjects) {
      if (!id) continue;
      if (this.options.known?.(kind, id)) continue;
      const result = await check(kind, id);
      if (result === 'missing') throw new IntakeError(`there is no ${kind} ${id} in WellSky`, field);
      if (result === 'unknown') accepted.payload[`${kind}Unverified`] = true;
    }
  }
}

/** Waits for `promise` up to `ms`; the work itself goes on (its outcome is recorded either way). */
async function withTimeout(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise.catch(() => undefined),
    new Promise<void>((resolve) => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}
