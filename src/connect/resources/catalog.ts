import { type PagingOptions, paginate } from '../paging.ts';
import { route } from '../routes.ts';
import type { Transport } from '../transport.ts';
import { bundleOf } from '../wire/bundle.ts';
import {
  ActivityDefinition,
  type CarePlanActivityRequest,
  Location,
  Organization,
  ProfileTag,
  Subscription,
  type SubscriptionRequest,
} from '../wire/catalog.ts';
import { CreatedRef, RelatedPerson } from '../wire/people.ts';
import { ChargeItem } from '../wire/scheduling.ts';
import { searchBody, searchPage } from './search.ts';

export function relatedPersonsResource(transport: Transport) {
  return {
    /** Family and contacts of one client; documented with bare `entry` and no count (facts §3.12 [V]). */
    async ofPatient(patientId: string): Promise<RelatedPerson[]> {
      const page = await transport.request({
        route: route('relatedPersonsOfPatient', { patientId }),
        schema: bundleOf(RelatedPerson),
      });
      return page.resources;
    },
    search(filters: { patient?: string; name?: string; phone?: string }, options: PagingOptions = {}) {
      const body = searchBody(filters);
      return paginate(
        (page, count) =>
          searchPage(transport, route('relatedPersonsSearch'), RelatedPerson, { page, count, body }),
        options,
      );
    },
    create(body: Record<string, unknown>) {
      return transport.request({ route: route('relatedPersonCreate'), body, schema: CreatedRef });
    },
  };
}

export function profileTagsResource(transport: Transport) {
  return {
    get(id: string): Promise<ProfileTag> {
      return transport.request({ route: route('profileTagGet', { id }), schema: ProfileTag });
    },
    create(body: { name: string; description?: string; type: string }) {
      return transport.request({ route: route('profileTagCreate'), body, schema: ProfileTag });
    },
  };
}

export function carePlansResource(transport: Transport, agencyId: string | undefined) {
  return {
    /** The agency's ADL/IADL catalogue; ids differ per agency, so fetch them (facts §3.13). */
    async activityMetadata(activityType: 'ADL' | 'IADL'): Promise<ActivityDefinition[]> {
      const page = await transport.request({
        route: route('activityMetadata'),
        query: { activity_type: activityType, agency_id: agencyId },
        schema: bundleOf(ActivityDefinition),
      });
      return page.resources;
    },
    addActivities(patientId: string, body: CarePlanActivityRequest) {
      return transport.request({ route: route('carePlanActivityCreate', { patientId }), body });
    },
  };
}

export function subscriptionsResource(transport: Transport) {
  return {
    list(filters: { status?: string; criteria?: string } = {}, options: PagingOptions = {}) {
      return paginate(
        (page, count) =>
          searchPage(transport, route('subscriptionsList'), Subscription, { page, count, query: filters }),
        options,
      );
    },
    create(body: SubscriptionRequest) {
      return transport.request({ route: route('subscriptionCreate'), body, schema: CreatedRef });
    },
    get(id: string): Promise<Subscription> {
      return transport.request({ route: route('subscriptionGet', { id }), schema: Subscription });
    },
    delete(id: string) {
      return transport.request({ route: route('subscriptionDelete', { id }) });
    },
  };
}

export function officesResource(transport: Transport) {
  return {
    locations(options: PagingOptions = {}) {
      return paginate(
        (page, count) => searchPage(transport, route('locationsList'), Location, { page, count }),
        options,
      );
    },
    /** Organizations are unpaged (facts §2.3 [3P]). */
    async organizations(): Promise<Organization[]> {
      const page = await transport.request({
        route: route('organizationsList'),
        schema: bundleOf(Organization),
      });
      return page.resources;
    },
  };
}

export function chargeItemsResource(transport: Transport) {
  return {
    /** Billing lines; the only search whose body takes integers (facts §3.15 [C]). */
    search(
      filter: { from: string; to: string } & ({ clientId: string } | { caregiverId: string }),
      options: PagingOptions = {},
    ) {
      const body: Record<string, number> = {
        startDate: Number(filter.from.replaceAll('-', '')),
        endDate: Number(filter.to.replaceAll('-', '')),
      };
      if ('clientId' in filter) body.clientId = Number(filter.clientId);
      else body.caregiverId = Number(filter.caregiverId);
      return paginate(
        (page, count) => searchPage(transport, route('chargeItemsSearch'), ChargeItem, { page, count, body }),
        options,
      );
    },
  };
}
