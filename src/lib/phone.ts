/**
 * WellSky stores phones as exactly 10 digits, no country code, first digit 2–9 (facts §2.6). This turns
 * what people type — `(303) 555-0100`, `+1 303-555-0100`, `303.555.0100 x12` — into that form.
 */
export interface NormalizedPhone {
  /** The 10 digits WellSky stores. */
  digits: string;
  extension?: string | undefined;
}

export function normalizePhone(input: string): NormalizedPhone | undefined {
  const [main, ext] = input.split(/\s*(?:x|ext\.?|extension|#)\s*/i, 2) as [string, string | undefined];
  let digits = main.replace(/\D/g, '');
  if (digits.length === 11 && digits.startsWith('1')) digits = digits.slice(1);
  if (digits.length !== 10 || !/^[2-9]/.test(digits)) return undefined;
  const extension = ext?.replace(/\D/g, '');
  return extension ? { digits, extension: extension.slice(0, 6) } : { digits };
}

/** `3035550100` → `(303) 555-0100` for people to read. */
export function formatPhone(digits: string): string {
  return digits.length === 10 ? `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}` : digits;
}
