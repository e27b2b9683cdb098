import { z } from 'zod';

/**
 * A search result. Entries are wrapped `{resource}` on the live API but bare in the vendor's examples and
 * in task-log listings; the count is `totalRecords` on searches, `total` on task logs, absent on related
 * persons (facts §2.4). One schema accepts all of them and yields `{total, resources}`.
 */
export function bundleOf<T extends z.ZodType>(resource: T): BundleSchema<T> {
  // Built once per resource schema: zod compiles an object schema's fast path on its first parse, which
  // a schema made per call paid on every search page (≈ 50 KB and a code generation per delivered note).
  let bundle = bundles.get(resource) as BundleSchema<T> | undefined;
  if (!bundle) {
    bundle = buildBundle(resource);
    bundles.set(resource, bundle);
  }
  return bundle;
}

type BundleSchema<T extends z.ZodType> = ReturnType<typeof buildBundle<T>>;
const bundles = new WeakMap<z.ZodType, unknown>();

function buildBundle<T extends z.ZodType>(resource: T) {
  const entry = z.preprocess((value) => {
    if (value && typeof value === 'object' && 'resource' in value)
      return (value as { resource: unknown }).resource;
    return value;
  }, resource);
  return z
    .looseObject({
      resourceType: z.literal('Bundle').optional(),
      id: z.string().optional(),
      type: z.string().optional(),
      totalRecords: z.coerce.number().int().nonnegative().optional(),
      total: z.coerce.number().int().nonnegative().optional(),
      entry: z.array(entry).nullable().optional(),
    })
    .transform((b) => {
      const resources = (b.entry ?? []) as z.output<T>[];
      return { total: b.totalRecords ?? b.total ?? undefined, resources };
    });
}

export interface Page<T> {
  /** What the server says the whole result holds, when it says. */
  total: number | undefined;
  resources: T[];
}

/** The wire form a simulator emits for searches (wrapped entries, `totalRecords`). */
export interface SearchBundleWire<T> {
  resourceType: 'Bundle';
  id: 'searchParams';
  type: 'searchset';
  totalRecords: number;
  entry: { resource: T }[];
}
