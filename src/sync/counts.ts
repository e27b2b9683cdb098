/** What one sync run did to one collection. */
export interface CollectionCounts {
  /** Records WellSky returned (after de-duplication). */
  seen: number;
  added: number;
  changed: number;
  removed: number;
}

export const COLLECTIONS = [
  'caregivers',
  'clients',
  'relatedPersons',
  'profileTags',
  'shifts',
  'visits',
] as const;
export type Collection = (typeof COLLECTIONS)[number];

export type RunCounts = Record<Collection, CollectionCounts>;

export function emptyCounts(): RunCounts {
  const out = {} as RunCounts;
  for (const c of COLLECTIONS) out[c] = { seen: 0, added: 0, changed: 0, removed: 0 };
  return out;
}

export function addCounts(into: CollectionCounts, more: Partial<CollectionCounts>): void {
  into.seen += more.seen ?? 0;
  into.added += more.added ?? 0;
  into.changed += more.changed ?? 0;
  into.removed += more.removed ?? 0;
}
