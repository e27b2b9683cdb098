/** What a caregiver's text means to the watch; null when it is not for the watch. */
export type WatchReply =
  | { kind: 'late'; minutes: number }
  | { kind: 'yes' }
  | { kind: 'no'; position: number | null }
  | { kind: 'cant'; position: number | null };

// English and Spanish, as caregivers write them: "LATE 20", "running 20 min late", "20 mins late",
// "llego 20 min tarde", "tarde 20", "voy 15 minutos tarde".
const LATE_PATTERNS = [
  /^late\s*(\d{1,3})\b/,
  /\brunning\s+(?:about\s+)?(\d{1,3})\s*(?:m|min|mins|minutes)?\s+late\b/,
  /\b(\d{1,3})\s*(?:m|min|mins|minutes)\s+late\b/,
  /^tarde\s*(\d{1,3})\b/,
  /\b(?:llego|voy|llegare|llegaré|estoy)\s+(\d{1,3})\s*(?:m|min|mins|minutos)?\s+tarde\b/,
  /\b(\d{1,3})\s*(?:m|min|mins|minutos)\s+tarde\b/,
];
const YES = /^(yes|y|yep|yeah|confirm|confirmed|ok|okay|si|sí|s)[.!]*$/;
const NO = /^(no|n|nope)(?:\s+#?(\d{1,2}))?[.!]*$/;
const CANT = /^(cant|can't|can’t|cannot|can not|no puedo)(?:\s+#?(\d{1,2}))?[.!]*$/;

export function parseWatchReply(raw: string): WatchReply | null {
  const text = raw.trim().toLowerCase().replace(/\s+/g, ' ');
  if (text.length === 0 || text.length > 160) return null;
  for (const pattern of LATE_PATTERNS) {
    const m = pattern.exec(text);
    if (m) {
      const minutes = Number(m[1]);
      if (minutes >= 1 && minutes <= 240) return { kind: 'late', minutes };
      return null;
    }
  }
  if (YES.test(text)) return { kind: 'yes' };
  const no = NO.exec(text);
  if (no) return { kind: 'no', position: no[2] ? Number(no[2]) : null };
  const cant = CANT.exec(text);
  if (cant) return { kind: 'cant', position: cant[2] ? Number(cant[2]) : null };
  return null;
}
