/**
 * Characters that must not travel from a caller's input into a message a person reads: C0/C1 controls
 * (a NUL, an escape sequence that recolours a terminal, a carriage return that overwrites a log line),
 * bidirectional overrides, isolates and marks (which make "evil.txt‮gpj." read as something else), and
 * the invisible ones (zero-width spaces, word joiner, byte-order mark, line and paragraph separators).
 */
const UNSAFE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /[\u0000-\u001f\u007f-\u009f\u061c\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff\ufff9-\ufffb]/g;

/** Whether a string holds any character `printable` would escape. */
export function hasUnsafeCharacters(value: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(value);
  UNSAFE.lastIndex = 0;
  return found;
}

/**
 * `value` made safe to echo in an error message: every unsafe character becomes its visible escape
 * (`\u202e`), so the reader sees what was sent instead of having it act on the text, and the whole is
 * cut to `max` characters (a 100 kB "id" is not repeated back).
 */
export function printable(value: string, max = 1_000): string {
  const escaped = value.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}

/** Like `printable` for a message of several lines: line feeds and tabs stay, nothing is cut. */
export function printableText(value: string): string {
  return value.replace(UNSAFE, (c) =>
    c === '\n' || c === '\t' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
