import type { Store } from '../store/index.ts';
import type { TagMemory } from './people.ts';

/** Profile tag ids Skybridge created, kept in the `meta` table (WellSky cannot list its tags). */
export function storeTagMemory(store: Store): TagMemory {
  const keyOf = (key: string) => `intake.profile-tag.${key}`;
  return {
    async get(key) {
      const row = await store.db
        .selectFrom('meta')
        .select('value')
        .where('key', '=', keyOf(key))
        .executeTakeFirst();
      const id = row?.value.id;
      return typeof id === 'string' ? id : undefined;
    },
    async set(key, id) {
      const now = new Date();
      await store.db
        .insertInto('meta')
        .values({ key: keyOf(key), value: JSON.stringify({ id }), updated_at: now })
        .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify({ id }), updated_at: now }))
        .execute();
    },
  };
}
