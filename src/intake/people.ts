import type { ConnectClient } from '../connect/client.ts';
import type { PersonFilters } from '../connect/resources/people.ts';
import type { Patient, Practitioner } from '../connect/wire/people.ts';
import type { WellSkyKind } from './wellsky-body.ts';

export type WellSkyPerson = Patient | Practitioner;

/** What the intake needs from WellSky (a port, so the rules can be read without the client's details). */
export interface PeoplePort {
  readonly agencyId: string | undefined;
  /** One page (up to 100) of a patient/practitioner search. */
  search(kind: WellSkyKind, filters: PersonFilters): Promise<WellSkyPerson[]>;
  create(kind: WellSkyKind, body: Record<string, unknown>): Promise<string>;
  update(kind: WellSkyKind, id: string, body: Record<string, unknown>): Promise<void>;
  /** Profile tag ids for names of a type (`skill`, `language`), creating the ones WellSky lacks. */
  profileTags(type: string, names: string[]): Promise<string[]>;
}

export interface TagMemory {
  get(key: string): Promise<string | undefined>;
  set(key: string, id: string): Promise<void>;
}

/** The port over the Connect client. */
export function connectPeople(client: ConnectClient, tags: TagMemory): PeoplePort {
  const resource = (kind: WellSkyKind) => (kind === 'patient' ? client.patients : client.practitioners);
  return {
    agencyId: client.config.agencyId,
    async search(kind, filters) {
      const page = await resource(kind).searchPage(filters, 0, 100);
      return page.resources as WellSkyPerson[];
    },
    async create(kind, body) {
      const created = await resource(kind).create(body);
      return created.id;
    },
    async update(kind, id, body) {
      await resource(kind).update(id, body);
    },
    async profileTags(type, names) {
      const ids: string[] = [];
      for (const name of names) {
        // WellSky offers no tag listing (facts §3.1 PT2), so the ids Skybridge created are remembered.
        const key = `${type}:${name.toLowerCase()}`;
        let id = await tags.get(key);
        if (!id) {
          id = (await client.profileTags.create({ name, type, description: `${type} (from intake)` })).id;
          await tags.set(key, id);
        }
        ids.push(id);
      }
      return ids;
    },
  };
}
