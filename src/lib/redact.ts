/**
 * Scrubs what must never reach a log line or an error message: bearer tokens, client secrets, phone
 * numbers and e-mail addresses. Ids stay: they are needed to act on an error and are not PHI by themselves.
 */
const PATTERNS: [RegExp, string][] = [
  [/(Bearer(?:Token)?\s+)[A-Za-z0-9._~+/=-]+/gi, '$1[redacted]'],
  [/("?(?:access_token|client_secret|password|secret)"?\s*[:=]\s*"?)[^"&\s,}]+/gi, '$1[redacted]'],
  [/\b[0-9a-f]{32}\b/gi, '[redacted-token]'],
  [
    /(?<!\d)(?:\+?1[\s.-]?)?\(?[2-9]\d{2}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?:\s*(?:x|ext\.?)\s*\d{1,6})?(?!\d)/g,
    '[phone]',
  ],
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '[email]'],
];

export function redact(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/** Keeps the first `max` characters of a (possibly HTML) body, redacted, on one line. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return redact(flat.length > max ? `${flat.slice(0, max)}…` : flat);
}
