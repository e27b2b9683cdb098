import { tagOf } from '../agency/store.ts';
import { fail, notFound } from '../http.ts';
import type { SimState } from '../state.ts';

/** Facts §4.1 #10 [D]: a mismatched agency is a real denial, `{"error":"Access denied. Invalid agencyId."}`. */
export function denyForeignAgency(state: SimState, agencyId: string | undefined | null): void {
  if (agencyId !== undefined && agencyId !== null && agencyId !== state.options.agencyId) {
    throw fail(403, { error: 'Access denied. Invalid agencyId.' });
  }
}

export function denyForeignAgencyTag(state: SimState, meta: unknown): void {
  denyForeignAgency(state, tagOf(meta, 'agencyId'));
}

/** Ids in bodies arrive as strings or numbers (facts §2.9); anything else is unknown. */
export function numericId(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

/** `Patient/900001` → 900001 when the prefix matches. */
export function referenceId(reference: unknown, prefix: string): number | undefined {
  if (typeof reference !== 'string') return undefined;
  const m = new RegExp(`^${prefix}/(\\d+)$`).exec(reference);
  return m ? Number(m[1]) : undefined;
}

export function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw notFound();
  return value;
}

export const OK = { success: true } as const;
