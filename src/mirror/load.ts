import type { Kysely } from 'kysely';
import type { Database, PersonRow, RelatedPersonRow } from '../store/index.ts';
import type { MirrorPerson, PersonKind } from './types.ts';

export interface LoadedPeople {
  caregivers: Map<string, MirrorPerson>;
  clients: Map<string, MirrorPerson>;
  family: Map<string, MirrorPerson>;
}

const PERSON_COLUMNS = [
  'id',
  'kind',
  'active',
  'status',
  'full_name',
  'given_name',
  'family_name',
  'gender',
  'phones',
  'languages',
  'tag_ids',
  'preferences',
  'home_lat',
  'home_lon',
  'synced_at',
] as const;

function person(row: Pick<PersonRow, (typeof PERSON_COLUMNS)[number]>): MirrorPerson {
  return {
    kind: row.kind as PersonKind,
    id: row.id,
    name: row.full_name,
    givenName: row.given_name,
    familyName: row.family_name,
    active: row.active,
    status: row.status,
    gender: row.gender,
    phones: row.phones,
    languages: row.languages,
    tagIds: row.tag_ids,
    preferences: row.preferences,
    home: row.home_lat !== null && row.home_lon !== null ? { lat: row.home_lat, lon: row.home_lon } : null,
    syncedAt: row.synced_at.toISOString(),
  };
}

function familyMember(
  row: Omit<RelatedPersonRow, 'raw' | 'hash' | 'last_seen_run' | 'removed_at' | 'name_key'>,
  clients: Map<string, MirrorPerson>,
): MirrorPerson {
  const client = clients.get(row.client_id);
  return {
    kind: 'family',
    id: row.id,
    name: row.full_name,
    givenName: row.given_name,
    familyName: row.family_name,
    // A contact is as current as the client it belongs to.
    active: client?.active ?? false,
    status: null,
    gender: null,
    phones: row.phones,
    languages: [],
    tagIds: [],
    preferences: {},
    home: null,
    syncedAt: row.synced_at.toISOString(),
    client: { id: row.client_id, name: client?.name ?? '' },
    relationship: { code: row.relationship_code, display: row.relationship },
    contactRoles: {
      emergency: row.emergency_contact,
      primary: row.primary_contact,
      payer: row.payer,
      poa: row.poa,
    },
  };
}

/** Everyone not removed, without the raw resources: what the in-memory indexes need. */
export async function loadPeople(db: Kysely<Database>): Promise<LoadedPeople> {
  const [caregiverRows, clientRows, relatedRows] = await Promise.all([
    db.selectFrom('caregivers').select(PERSON_COLUMNS).where('removed_at', 'is', null).execute(),
    db.selectFrom('clients').select(PERSON_COLUMNS).where('removed_at', 'is', null).execute(),
    db
      .selectFrom('related_persons')
      .select([
        'id',
        'client_id',
        'full_name',
        'given_name',
        'family_name',
        'relationship_code',
        'relationship',
        'phones',
        'emergency_contact',
        'primary_contact',
        'payer',
        'poa',
        'synced_at',
      ])
      .where('removed_at', 'is', null)
      .execute(),
  ]);
  const caregivers = new Map(caregiverRows.map((r) => [r.id, person(r)]));
  const clients = new Map(clientRows.map((r) => [r.id, person(r)]));
  const family = new Map(relatedRows.map((r) => [r.id, familyMember(r, clients)]));
  return { caregivers, clients, family };
}
