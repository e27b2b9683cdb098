import type { z } from 'zod';
import {
  CarePlanActivityRequest,
  ChargeItemSearch,
  type Location,
  ProfileTagRequest,
  type ProfileTagWire,
  SubscriptionRequest,
} from '../../connect/wire/index.ts';
import { formatUtc, parseDay } from '../agency/calendar.ts';
import { encounterOf, ratesFor } from '../agency/render.ts';
import type { EncounterRecord, SubscriptionRecord } from '../agency/store.ts';
import { badRequest, type Ctx, fail, json, objectBody, parseWith, type RouteDef, route } from '../http.ts';
import { ID_BASE } from '../ids.ts';
import { readFilters, readPaging, searchBundle, sortItems } from '../search/paging.ts';
import type { SimState } from '../state.ts';
import { denyForeignAgency, denyForeignAgencyTag, must, OK } from './common.ts';

type LocationWire = z.input<typeof Location>;

// --- Subscriptions (facts §3.11 [D]) -------------------------------------------------------------

function renderSubscription(sub: SubscriptionRecord) {
  return { ...sub, resourceType: 'Subscription', id: String(sub.id) };
}

function searchSubscriptions(ctx: Ctx, body?: Record<string, unknown>) {
  const filters = readFilters(ctx.query, body);
  const status = filters.get('status');
  const criteria = filters.get('criteria');
  const subs = [...ctx.state.store.subscriptions.values()]
    .filter(
      (s) =>
        (status === undefined || s.status === status) && (criteria === undefined || s.criteria === criteria),
    )
    .map(renderSubscription);
  return json(200, searchBundle(subs, readPaging(ctx.query, 20)));
}

const subscriptionRoutes: RouteDef[] = [
  route('POST', '/v1/subscriptions/', 'subscriptionsWrite', ({ state, body }) => {
    const parsed = parseWith(SubscriptionRequest, body);
    denyForeignAgencyTag(state, parsed.meta);
    const id = state.store.next.subscription++;
    state.store.subscriptions.set(id, { ...parsed, id });
    // Facts §2.9: subscription create answers a numeric id.
    return json(201, { resourceType: 'Subscription', id });
  }),
  route('GET', '/v1/subscriptions/', 'subscriptionsRead', (ctx) => searchSubscriptions(ctx)),
  route('POST', '/v1/subscriptions/_search/', 'subscriptionsRead', (ctx) =>
    searchSubscriptions(ctx, objectBody(ctx)),
  ),
  route('GET', '/v1/subscriptions/{id}/', 'subscriptionsRead', ({ state, params }) =>
    json(200, renderSubscription(must(state.store.subscriptions.get(params.id as number)))),
  ),
  route('PUT', '/v1/subscriptions/{id}/', 'subscriptionsWrite', (ctx) => {
    const sub = must(ctx.state.store.subscriptions.get(ctx.params.id as number));
    const { id: _ignored, ...current } = sub;
    const parsed = parseWith(SubscriptionRequest, {
      ...current,
      ...objectBody(ctx),
      resourceType: 'Subscription',
    });
    ctx.state.store.subscriptions.set(sub.id, { ...parsed, id: sub.id });
    return json(200, { resourceType: 'Subscription', id: sub.id });
  }),
  route('DELETE', '/v1/subscriptions/{id}/', 'subscriptionsWrite', ({ state, params }) => {
    must(state.store.subscriptions.delete(params.id as number) || undefined);
    return json(200, OK);
  }),
];

// --- Profile tags (facts §3.14 [D]) --------------------------------------------------------------

const ProfileTagPatch = ProfileTagRequest.partial();

const profileTagRoutes: RouteDef[] = [
  route('POST', '/v1/profileTags/', 'profileTagsWrite', ({ state, body }) => {
    const parsed = parseWith(ProfileTagRequest, body);
    const id = state.store.next.profileTag++;
    state.store.profileTags.set(id, { resourceType: 'ProfileTag', id: String(id), ...parsed });
    return json(201, { id: String(id), name: parsed.name });
  }),
  // Facts §3.1 PT2 [3P]: the spec publishes no GET on the collection; it exists only under a quirk switch.
  route(
    'GET',
    '/v1/profileTags/',
    'profileTagsRead',
    (ctx) => {
      const filters = readFilters(ctx.query);
      const tags = [...ctx.state.store.profileTags.values()].filter(
        (t) =>
          (!filters.has('name') ||
            t.name.toLowerCase().includes((filters.get('name') ?? '').toLowerCase())) &&
          (!filters.has('type') || t.type === filters.get('type')),
      );
      return json(200, searchBundle(tags, readPaging(ctx.query, 100, ctx.state.quirks.onePagedRoutes)));
    },
    (state) => state.quirks.profileTagsListRoute,
  ),
  route('GET', '/v1/profileTags/{id}/', 'profileTagsRead', ({ state, params }) =>
    json(200, must(state.store.profileTags.get(params.id as number))),
  ),
  route('PUT', '/v1/profileTags/{id}/', 'profileTagsWrite', ({ state, params, body }) => {
    const tag = must(state.store.profileTags.get(params.id as number));
    const updated: ProfileTagWire = { ...tag, ...parseWith(ProfileTagPatch, body) };
    state.store.profileTags.set(params.id as number, updated);
    return json(200, updated);
  }),
  route('DELETE', '/v1/profileTags/{id}/', 'profileTagsWrite', ({ state, params }) => {
    must(state.store.profileTags.delete(params.id as number) || undefined);
    return json(200, OK);
  }),
];

// --- Care plans (facts §3.13 [V]) ----------------------------------------------------------------

function saveActivities(ctx: Ctx, status: number) {
  const { state, params } = ctx;
  must(state.store.patients.get(params.patientId as number));
  const parsed = parseWith(CarePlanActivityRequest, ctx.body);
  const known = new Set(state.store.activityCatalogue.map((a) => String(a.id)));
  for (const activity of parsed.activity) {
    for (const coding of activity.detail.code.coding) {
      if (!known.has(coding.display))
        throw fail(422, { error: `Validation failed: unknown activity id ${coding.display}` });
    }
  }
  state.store.carePlans.set(params.patientId as number, parsed.activity);
  return json(status, {
    resourceType: 'CarePlan',
    id: String(params.patientId),
    status: parsed.status ?? 'active',
    activity: parsed.activity,
  });
}

const carePlanRoutes: RouteDef[] = [
  route('GET', '/v1/careplan/activity-metadata/', 'carePlansRead', ({ state, query }) => {
    denyForeignAgency(state, query.get('agency_id'));
    const type = query.get('activity_type');
    if (type !== null && type !== 'ADL' && type !== 'IADL')
      throw badRequest('activity_type must be ADL or IADL.');
    const list = state.store.activityCatalogue.filter((a) => type === null || a.activityType === type);
    return json(200, searchBundle(list, { count: list.length, offset: 0 }));
  }),
  route('POST', '/v1/careplan/activity/{patientId}/', 'carePlansWrite', (ctx) => saveActivities(ctx, 201)),
  route('PUT', '/v1/careplan/activity/{patientId}/', 'carePlansWrite', (ctx) => saveActivities(ctx, 200)),
];

// --- Charge items (facts §3.15 [C]) --------------------------------------------------------------

function chargeItems(ctx: Ctx) {
  const { state } = ctx;
  const body = parseWith(ChargeItemSearch, ctx.body);
  if (body.clientId === undefined && body.caregiverId === undefined)
    throw badRequest('clientId or caregiverId is required.');
  const fromDay = parseDay(String(body.startDate));
  const toDay = parseDay(String(body.endDate));
  if (fromDay === undefined || toDay === undefined)
    throw badRequest('startDate and endDate must be YYYYMMDD integers.');
  const schedule = state.store.schedule;
  const occurrences =
    body.clientId !== undefined
      ? schedule.forClient(body.clientId, fromDay, toDay)
      : schedule.forCaregiver(body.caregiverId as number, fromDay, toDay);
  const now = state.nowMs();
  const visits = occurrences
    .map((o) => encounterOf(state.store, o, now, state.seed))
    .filter((e): e is EncounterRecord => e !== undefined && e.endMs !== null)
    .filter((e) => body.caregiverId === undefined || e.caregiverId === body.caregiverId);
  const items = sortItems(visits, ctx.query.get('_sort'), {
    startDate: (e) => e.startMs,
    endDate: (e) => e.endMs ?? 0,
  }).map((e) => ({
    resourceType: 'ChargeItem',
    id: String(ID_BASE.chargeItem + (e.id - ID_BASE.encounter)),
    occurrencePeriod: { start: formatUtc(e.startMs), end: formatUtc(e.endMs as number) },
    quantity: { value: Math.round((((e.endMs as number) - e.startMs) / 3_600_000) * 100) / 100 },
    performer: e.caregiverId === null ? [] : [{ reference: `Practitioner/${e.caregiverId}` }],
    subject: { reference: `Patient/${e.clientId}` },
    rates: ratesFor(state.seed, e.clientId, e.caregiverId ?? 0),
  }));
  return json(200, searchBundle(items, readPaging(ctx.query, 100)));
}

// --- Locations, organizations, referral sources (facts §3.16 [D]) --------------------------------

function locations(state: SimState): LocationWire[] {
  return state.store.locations.map((l) => ({
    resourceType: 'Location',
    id: String(l.id),
    name: l.name,
    address: { city: l.city, state: 'CO', country: 'US' },
    telecom: [{ system: 'phone', value: l.phone, use: 'work' }],
    position: { latitude: l.lat, longitude: l.lon },
  }));
}

function searchLocations(ctx: Ctx) {
  const filters = readFilters(ctx.query, objectBody(ctx));
  const name = filters.get('name')?.toLowerCase();
  const phone = filters.get('phone');
  const list = locations(ctx.state).filter(
    (l) =>
      (!name || (l.name ?? '').toLowerCase().includes(name)) &&
      (!phone || (l.telecom ?? []).some((t) => t.value === phone)),
  );
  return json(200, searchBundle(list, readPaging(ctx.query, 20)));
}

function organizations(state: SimState) {
  return [state.store.organization];
}

function createReferralSource(ctx: Ctx) {
  const { state } = ctx;
  const body = objectBody(ctx);
  if (typeof body.name !== 'string' || body.name === '')
    throw fail(422, { error: 'Validation failed: name is required' });
  const id = state.store.next.referralSource++;
  state.store.referralSources.set(id, { ...body, resourceType: 'ReferralSource', id: String(id) });
  state.webhooks.emit('referralsources.created', 'ReferralSource', id);
  return json(201, { id: String(id) });
}

export const catalogRoutes: RouteDef[] = [
  ...subscriptionRoutes,
  ...profileTagRoutes,
  ...carePlanRoutes,
  route('POST', '/v1/chargeitem/_search/', 'chargeItemsRead', chargeItems),
  route('GET', '/v1/locations/', 'locationsRead', ({ state, query }) =>
    json(200, searchBundle(locations(state), readPaging(query, 20))),
  ),
  // Facts §2.1 [3P]: the spec publishes this one search without a trailing slash; accept both.
  route('POST', '/v1/locations/_search', 'locationsRead', searchLocations),
  route('POST', '/v1/locations/_search/', 'locationsRead', searchLocations),
  // Facts §2.3 [3P]: organizations are unpaged.
  route('GET', '/v1/organizations/', 'organizationsRead', ({ state }) => {
    const list = organizations(state);
    return json(200, searchBundle(list, { count: list.length, offset: 0 }));
  }),
  route('POST', '/v1/organizations/_search/', 'organizationsRead', (ctx) => {
    const filters = readFilters(ctx.query, objectBody(ctx));
    const name = filters.get('name')?.toLowerCase();
    const sub = filters.get('subdomain');
    const list = organizations(ctx.state).filter(
      (o) =>
        (!name ||
          String(o.name ?? '')
            .toLowerCase()
            .includes(name)) &&
        (!sub || o.subdomain === sub),
    );
    return json(200, searchBundle(list, { count: list.length, offset: 0 }));
  }),
  route('POST', '/v1/referralsource/', 'referralSourcesWrite', createReferralSource),
  route('GET', '/v1/referralsource/{id}/', 'referralSourcesRead', ({ state, params }) =>
    json(200, must(state.store.referralSources.get(params.id as number))),
  ),
  route('PUT', '/v1/referralsource/{id}/', 'referralSourcesWrite', (ctx) => {
    const source = must(ctx.state.store.referralSources.get(ctx.params.id as number));
    const updated = { ...source, ...objectBody(ctx), resourceType: 'ReferralSource', id: source.id };
    ctx.state.store.referralSources.set(ctx.params.id as number, updated);
    ctx.state.webhooks.emit('referralsources.changed', 'ReferralSource', ctx.params.id as number);
    return json(200, { id: String(ctx.params.id) });
  }),
];
