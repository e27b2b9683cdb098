/**
 * Makes free text acceptable to WellSky without losing content (facts §2.6: UTF-8, no code points below
 * 32 except tab, CR and LF). Control characters become spaces so words they separated stay apart.
 */
export interface SanitizedText {
  text: string;
  /** How many characters had to be replaced; shown to the caller so nothing changes silently. */
  replaced: number;
}

// C0 controls except \t \n \r, DEL, and C1 controls.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/g;

// Half of a surrogate pair cannot be encoded as UTF-8 (String#toWellFormed needs Node 20's es2024 lib).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function sanitizeText(input: string): SanitizedText {
  let replaced = 0;
  const text = input
    .replace(LONE_SURROGATE, () => {
      replaced++;
      return '\uFFFD';
    })
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, () => {
      replaced++;
      return ' ';
    })
    .trim();
  return { text, replaced };
}

/**
 * Splits a long note into ordered parts of at most `limit` characters, at a paragraph, sentence or word
 * boundary when one is near the limit, so that each part reads on its own in WellSky.
 */
export function splitText(text: string, limit: number): string[] {
  if (limit < 20) throw new RangeError('limit must leave room for a sentence');
  const parts: string[] = [];
  let rest = text;
  while (rest.length > limit) {
    const window = rest.slice(0, limit);
    const floor = Math.floor(limit * 0.6);
    const cut =
      lastBoundary(window, /\n\s*\n/g, floor) ??
      lastBoundary(window, /[.!?]\s+/g, floor) ??
      lastBoundary(window, /\s+/g, floor) ??
      limit;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.length > 0 || parts.length === 0) parts.push(rest);
  return parts;
}

function lastBoundary(window: string, pattern: RegExp, floor: number): number | undefined {
  let found: number | undefined;
  for (const match of window.matchAll(pattern)) {
    const end = match.index + match[0].length;
    if (end >= floor && end <= window.length) found = end;
  }
  return found;
}
