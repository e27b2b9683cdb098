import { randomUUID } from 'node:crypto';
import { ConnectError } from '../connect/errors.ts';
import type { IntakeKind, IntakeLink, LinkState } from '../store/index.ts';
import { IntakeRequestError, IntakeUnavailableError } from './errors.ts';
import { type Candidate, carriesMarker, decide, findByMarker, findCandidates } from './match.ts';
import type { PeoplePort, WellSkyPerson } from './people.ts';
import type { IntakeRepo, LinkKey } from './repo.ts';
import { IntakeKey, markerFor, type PersonRequest, parsePersonRequest, requestHash } from './requests.ts';
import { CONVERT_STAGE, type StageTables, type StageTarget, stageKey } from './stages.ts';
import { describeLink, type LinkView, linkView } from './view.ts';
import {
  createBody,
  type DesiredRecord,
  desiredPatient,
  desiredPractitioner,
  updateBody,
  type WellSkyKind,
} from './wellsky-body.ts';

export type IntakeOutcome = 'created' | 'updated' | 'unchanged' | 'linked' | 'held';

/** What a caller is told: what happened, the WellSky id, and for `held` why and who it might be. */
export interface IntakeAnswer {
  outcome: IntakeOutcome;
  kind: IntakeKind;
  source: string;
  externalId: string;
  wellskyId: string | null;
  stage: string;
  /** The WellSky status code the stage maps to. */
  status: number;
  reason?: string;
  candidates?: Candidate[];
}

export interface IntakeServiceOptions {
  repo: IntakeRepo;
  /** Undefined when WellSky is not configured: requests are refused with a clear error. */
  people: PeoplePort | undefined;
  stages: StageTables;
  /** How long one caller may hold a person's lease (a create plus its searches). */
  leaseMs?: number;
  /** How long a caller waits for another caller working on the same person. */
  waitMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Awaited when WellSky has created the record and nothing about it is recorded yet. Only the crash test
   * sets it: it pauses a process exactly there and SIGKILLs it.
   */
  checkpoint?: (point: 'created', marker: string) => Promise<void> | void;
}

const KINDS: Record<IntakeKind, { wellsky: WellSkyKind; person: string; promoted: string }> = {
  prospect: { wellsky: 'patient', person: 'prospect', promoted: 'a client' },
  applicant: { wellsky: 'practitioner', person: 'applicant', promoted: 'a hired caregiver' },
};

/**
 * Brings prospects and applicants into WellSky exactly once. Each person (source + external id) has one
 * row; one caller at a time holds its lease and talks to WellSky; a create is recorded before it is sent
 * and, after a lost answer or a crash, looked for by its marker before anything is created again.
 */
export class IntakeService {
  private readonly local = new Map<string, Promise<unknown>>();
  private readonly leaseMs: number;
  private readonly waitMs: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly o: IntakeServiceOptions) {
    this.leaseMs = o.leaseMs ?? 60_000;
    this.waitMs = o.waitMs ?? 30_000;
    this.sleep = o.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Create or update a prospect/applicant; answers what happened. Nothing is stored if the request is refused. */
  async upsert(kind: IntakeKind, rawKey: LinkKey, raw: unknown): Promise<IntakeAnswer> {
    const key = parseKey(rawKey);
    const request = parsePersonRequest(kind, raw);
    const target = this.target(kind, request);
    const people = this.people();
    const link = await this.o.repo.ensure(key, kind, markerFor(key.source, key.externalId), request);
    return this.withLease(link, async (current, holder) => {
      const job = new Job(this.o, people, kind, current, holder, request, target);
      return job.run();
    });
  }

  /** A prospect becomes a client (the convert stage of the prospect table). */
  async convert(rawKey: LinkKey): Promise<IntakeAnswer> {
    const key = parseKey(rawKey);
    const link = await this.o.repo.find(key);
    if (link?.kind !== 'prospect') {
      throw new IntakeRequestError(
        `there is no prospect ${key.source}/${key.externalId}; send it first`,
        'externalId',
        404,
      );
    }
    const people = this.people();
    return this.withLease(link, async (current, holder) => {
      if (current.state !== 'linked') {
        throw new IntakeRequestError(
          `prospect ${key.source}/${key.externalId} is ${current.state}, not in WellSky yet: ${current.hold_reason ?? 'send it again first'}`,
          'externalId',
          409,
        );
      }
      const request = { ...(current.requested as unknown as PersonRequest), stage: CONVERT_STAGE };
      const target = this.target('prospect', request);
      return new Job(this.o, people, 'prospect', current, holder, request, target).run('converted');
    });
  }

  /**
   * A person decides a held one: link it to this WellSky id, or create a new record. The latest
   * request received is what is applied.
   */
  async choose(
    rawKey: LinkKey,
    choice: { wellskyId: string } | { createNew: true },
    by: string,
  ): Promise<IntakeAnswer> {
    const key = parseKey(rawKey);
    const link = await this.o.repo.find(key);
    if (!link) throw new IntakeRequestError(`there is no ${key.source}/${key.externalId}`, 'externalId', 404);
    const people = this.people();
    return this.withLease(link, async (current, holder) => {
      if (current.state !== 'held') {
        throw new IntakeRequestError(
          `${key.source}/${key.externalId} is ${current.state}, not held`,
          'externalId',
          409,
        );
      }
      const request = current.requested as unknown as PersonRequest;
      const target = this.target(current.kind, request);
      const job = new Job(this.o, people, current.kind, current, holder, request, target);
      return 'wellskyId' in choice ? job.chosen(choice.wellskyId, by) : job.createNew(by);
    });
  }

  async list(filter: { state?: LinkState; kind?: IntakeKind; limit?: number } = {}): Promise<LinkView[]> {
    return (await this.o.repo.list(filter)).map((link) => linkView(link));
  }

  async get(rawKey: LinkKey): Promise<LinkView | undefined> {
    const link = await this.o.repo.find(parseKey(rawKey));
    return link ? linkView(link, await this.o.repo.events(link.id)) : undefined;
  }

  describe = describeLink;

  private target(kind: IntakeKind, request: PersonRequest): StageTarget {
    const table = kind === 'prospect' ? this.o.stages.prospects : this.o.stages.applicants;
    const target = table.get(stageKey(request.stage));
    if (!target) {
      throw new IntakeRequestError(
        `stage: "${request.stage}" is not a ${kind} stage; known stages: ${[...table.keys()].join(', ')} (see README "Intake" to add one)`,
        'stage',
      );
    }
    if (kind === 'applicant' && target.promotes && !request.hireDate) {
      throw new IntakeRequestError('hireDate: a hire needs the hire date (YYYY-MM-DD)', 'hireDate', 400);
    }
    return target;
  }

  private people(): PeoplePort {
    if (!this.o.people?.agencyId) {
      throw new IntakeUnavailableError(
        'intake needs WellSky (WELLSKY_CLIENT_ID, WELLSKY_CLIENT_SECRET) and the agency id (WELLSKY_AGENCY_ID)',
      );
    }
    return this.o.people;
  }

  /**
   * One caller at a time per person: callers in this process queue in memory, other processes wait on
   * the row's lease (which expires if its holder dies).
   */
  private async withLease<T>(
    link: IntakeLink,
    work: (current: IntakeLink, holder: string) => Promise<T>,
  ): Promise<T> {
    const previous = this.local.get(link.id) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(() => this.leased(link.id, work));
    this.local.set(link.id, mine);
    try {
      return await mine;
    } finally {
      if (this.local.get(link.id) === mine) this.local.delete(link.id);
    }
  }

  private async leased<T>(id: string, work: (current: IntakeLink, holder: string) => Promise<T>): Promise<T> {
    const holder = `intake:${randomUUID().slice(0, 12)}`;
    const deadline = Date.now() + this.waitMs;
    for (;;) {
      const current = await this.o.repo.claim(id, holder, this.leaseMs);
      if (current) {
        try {
          return await work(current, holder);
        } finally {
          await this.o.repo.release(id, holder);
        }
      }
      if (Date.now() >= deadline) {
        throw new IntakeUnavailableError(
          'another caller is still working on this person; call again shortly',
        );
      }
      await this.sleep(50);
    }
  }
}

function parseKey(raw: LinkKey): LinkKey {
  const parsed = IntakeKey.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || 'source';
    throw new IntakeRequestError(`${field}: ${issue.message}`, field, 400);
  }
  return parsed.data;
}

/** One call's work on one person, under its lease. */
class Job {
  private readonly wellsky: WellSkyKind;
  private readonly hash: string;
  private readonly repo: IntakeRepo;

  constructor(
    private readonly o: IntakeServiceOptions,
    private readonly people: PeoplePort,
    private readonly kind: IntakeKind,
    private link: IntakeLink,
    private readonly holder: string,
    private readonly request: PersonRequest,
    private readonly target: StageTarget,
  ) {
    this.wellsky = KINDS[kind].wellsky;
    this.hash = requestHash(request);
    this.repo = o.repo;
  }

  async run(action = 'updated'): Promise<IntakeAnswer> {
    switch (this.link.state) {
      case 'held':
        await this.repo.noted(
          this.link.id,
          this.holder,
          'held',
          this.request,
          'a new request arrived while held',
        );
        return this.answer('held', {
          reason: this.link.hold_reason ?? 'waiting for a person',
          candidates: this.candidates(),
        });
      case 'linked':
        return this.update(action);
      default:
        return this.firstSighting();
    }
  }

  async chosen(wellskyId: string, by: string): Promise<IntakeAnswer> {
    if (!/^\d+$/.test(wellskyId))
      throw new IntakeRequestError('wellskyId must be a numeric WellSky id', 'wellskyId', 400);
    this.link = await this.repo.linked(this.link.id, this.holder, {
      wellskyId,
      origin: 'chosen',
      applied: {},
      hash: '',
      stage: this.request.stage,
      action: 'chosen',
      detail: `linked by ${by}`,
      requested: this.request,
    });
    // Everything is sent: nothing is known about what this record already holds.
    return this.update('linked', null);
  }

  async createNew(by: string): Promise<IntakeAnswer> {
    this.link = await this.repo.reopen(this.link.id, this.holder, `a new record, decided by ${by}`);
    return this.create();
  }

  private async firstSighting(): Promise<IntakeAnswer> {
    // Always look for the marker first: a create from an earlier call may have landed without its answer.
    const byFilter = await this.search(() => findByMarker(this.people, this.wellsky, this.link.marker));
    if (byFilter) return this.recovered(byFilter.id);
    const found = await this.search(() => findCandidates(this.people, this.wellsky, this.request));
    // Where WellSky ignores the filter, the name and phone searches still return the record: its tag tells.
    const mine = [...found.records.values()].find((r) => carriesMarker(r, this.link.marker));
    if (mine) return this.recovered(mine.id);
    const decision = decide(found, this.request, this.target.promotes, KINDS[this.kind]);
    if (decision.decision === 'ambiguous') {
      this.link = await this.repo.held(this.link.id, this.holder, {
        code: 'ambiguous-match',
        reason: decision.reason,
        candidates: decision.candidates,
        requested: this.request,
      });
      return this.answer('held', { reason: decision.reason, candidates: decision.candidates });
    }
    if (decision.decision === 'link') return this.linkExisting(decision.record);
    return this.create();
  }

  private async create(): Promise<IntakeAnswer> {
    const desired = await this.desired();
    this.link = await this.repo.beginCreate(this.link, this.holder);
    let wellskyId: string;
    try {
      wellskyId = await this.people.create(
        this.wellsky,
        createBody(this.wellsky, desired, this.people.agencyId!, this.link.marker),
      );
    } catch (error) {
      return this.createFailed(error);
    }
    await this.o.checkpoint?.('created', this.link.marker);
    this.link = await this.repo.linked(this.link.id, this.holder, {
      wellskyId,
      origin: 'created',
      applied: desired,
      hash: this.hash,
      stage: this.request.stage,
      action: 'created',
      requested: this.request,
    });
    return this.answer('created');
  }

  private async createFailed(error: unknown): Promise<never> {
    const mayExist =
      error instanceof ConnectError && (error.outcomeUnknown || error.kind === 'invalid-response');
    if (mayExist) {
      // The row stays `creating`: whoever calls next looks for the marker before creating.
      throw new IntakeUnavailableError(
        `WellSky's answer to the create was lost (${(error as ConnectError).kind}); the ${KINDS[this.kind].person} may or may not exist there. Call again: Skybridge looks for it by its marker before creating, so nothing is duplicated`,
      );
    }
    const detail = error instanceof Error ? error.message : String(error);
    this.link = await this.repo.createNotMade(this.link.id, this.holder, detail);
    if (error instanceof ConnectError && error.kind === 'validation') {
      throw new IntakeRequestError(
        `WellSky refused the ${KINDS[this.kind].person}: ${error.serverMessage ?? error.hint}`,
        'body',
      );
    }
    throw new IntakeUnavailableError(
      `WellSky could not take the ${KINDS[this.kind].person} now (${detail}); nothing was created — call again`,
    );
  }

  /** The marker was found: an earlier create landed. Link it, then bring it up to this request. */
  private async recovered(wellskyId: string): Promise<IntakeAnswer> {
    this.link = await this.repo.linked(this.link.id, this.holder, {
      wellskyId,
      origin: 'created',
      applied: {},
      hash: '',
      stage: this.request.stage,
      action: 'recovered',
      detail: `found by marker ${this.link.marker} after an unanswered create`,
      requested: this.request,
    });
    await this.update('updated', null);
    return this.answer('created');
  }

  /** Someone already in WellSky: linked, and given what they lack plus the stage (nothing of theirs is overwritten). */
  private async linkExisting(record: WellSkyPerson): Promise<IntakeAnswer> {
    const desired = await this.desired();
    const existing = asDesired(record);
    const merged = mergeInto(existing, desired);
    const body = updateBody(this.wellsky, existing, merged, this.people.agencyId!);
    if (body) await this.call(() => this.people.update(this.wellsky, record.id, body));
    this.link = await this.repo.linked(this.link.id, this.holder, {
      wellskyId: record.id,
      origin: 'matched',
      applied: desired,
      hash: this.hash,
      stage: this.request.stage,
      action: 'linked',
      detail: 'matched a person already in WellSky',
      requested: this.request,
    });
    return this.answer('linked');
  }

  /** A linked person: only what changed since the last applied request is sent (a partial PUT). */
  private async update(action: string, beforeOverride?: DesiredRecord | null): Promise<IntakeAnswer> {
    const wellskyId = this.link.wellsky_id!;
    if (beforeOverride === undefined && this.link.payload_hash === this.hash) {
      await this.repo.noted(this.link.id, this.holder, 'unchanged', this.request);
      return this.answer('unchanged');
    }
    const before =
      beforeOverride === undefined ? (this.link.applied as unknown as DesiredRecord | null) : beforeOverride;
    const desired = await this.desired();
    const body = updateBody(
      this.wellsky,
      before && 'fields' in before ? before : null,
      desired,
      this.people.agencyId!,
    );
    if (body) {
      try {
        await this.call(() => this.people.update(this.wellsky, wellskyId, body));
      } catch (error) {
        if (error instanceof ConnectError && error.kind === 'not-found') {
          const reason = `WellSky record ${wellskyId} no longer exists (deleted or merged by hand in WellSky); choose another record or create a new one`;
          this.link = await this.repo.held(this.link.id, this.holder, {
            code: 'gone',
            reason,
            requested: this.request,
          });
          return this.answer('held', { reason });
        }
        throw error;
      }
    }
    this.link = await this.repo.linked(this.link.id, this.holder, {
      wellskyId,
      origin: (this.link.origin as 'created' | 'matched' | 'chosen' | null) ?? 'created',
      applied: desired,
      hash: this.hash,
      stage: this.request.stage,
      action: body ? action : 'unchanged',
      requested: this.request,
    });
    return this.answer(
      body || action === 'linked' ? (action === 'linked' ? 'linked' : 'updated') : 'unchanged',
    );
  }

  private async desired(): Promise<DesiredRecord> {
    if (this.kind === 'prospect') return desiredPatient(this.request, this.target);
    const ids = await this.call(async () => [
      ...(await this.people.profileTags('skill', this.request.skills ?? [])),
      ...(await this.people.profileTags('language', this.request.languages ?? [])),
    ]);
    return desiredPractitioner(this.request, this.target, ids);
  }

  private candidates(): Candidate[] | undefined {
    return (this.link.candidates as Candidate[] | null) ?? undefined;
  }

  /** Reads and idempotent writes: a failure changes nothing recorded, so the caller may simply call again. */
  private async search<T>(fn: () => Promise<T>): Promise<T> {
    return this.call(fn);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof ConnectError)) throw error;
      if (error.kind === 'validation') {
        throw new IntakeRequestError(`WellSky refused it: ${error.serverMessage ?? error.hint}`, 'body');
      }
      if (error.kind === 'not-found') throw error;
      throw new IntakeUnavailableError(`WellSky could not answer now (${error.message}); call again`);
    }
  }

  private answer(
    outcome: IntakeOutcome,
    extra: { reason?: string; candidates?: Candidate[] | undefined } = {},
  ): IntakeAnswer {
    return {
      outcome,
      kind: this.kind,
      source: this.link.source,
      externalId: this.link.external_id,
      wellskyId: this.link.wellsky_id,
      stage: this.request.stage,
      status: this.target.status,
      ...(extra.reason ? { reason: extra.reason } : {}),
      ...(extra.candidates ? { candidates: extra.candidates } : {}),
    };
  }
}

/** A WellSky record in the shape Skybridge diffs. */
function asDesired(record: WellSkyPerson): DesiredRecord {
  const fields: Record<string, unknown> = {};
  for (const key of ['name', 'telecom', 'address', 'birthDate', 'gender'] as const) {
    if (record[key] !== undefined && record[key] !== null) fields[key] = record[key];
  }
  const tags = (record.meta?.tag ?? [])
    .filter((t) => t.code !== 'agencyId')
    .map((t) => ({ code: t.code, display: t.display ?? '' }));
  return { fields, tags };
}

/** What WellSky has wins for identity fields; missing contact details are added; our tags (stage) win. */
function mergeInto(existing: DesiredRecord, desired: DesiredRecord): DesiredRecord {
  const fields = { ...existing.fields };
  for (const key of ['address', 'birthDate', 'gender']) {
    if (fields[key] === undefined && desired.fields[key] !== undefined) fields[key] = desired.fields[key];
  }
  const telecom = [...((existing.fields.telecom as { system?: string; value?: string }[] | undefined) ?? [])];
  const have = new Set(telecom.map((t) => `${t.system}:${(t.value ?? '').toLowerCase()}`));
  for (const entry of (desired.fields.telecom as { system: string; value: string }[]) ?? []) {
    if (!have.has(`${entry.system}:${entry.value.toLowerCase()}`)) telecom.push(entry);
  }
  fields.telecom = telecom;
  const tags = [
    ...existing.tags.filter((t) => !desired.tags.some((d) => d.code === t.code)),
    ...desired.tags,
  ];
  return { fields, tags };
}
