/** What a caregiver's text means for the offers waiting for them. */
export type ReplyIntent =
  | { kind: 'yes' }
  | { kind: 'no' }
  | { kind: 'number'; n: number }
  | { kind: 'unclear' };

/** Lower case, accents dropped (sí → si), punctuation and emoji gone, spaces collapsed. */
export function normalizeReply(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/[^a-z0-9' ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Refusals first: "i can't" contains "i can".
const NO = [
  /^(no|n|nope|nah|no thanks?|no thank you|pass|not me|not available|unavailable|busy)$/,
  /\b(can ?'?t|cannot|can not|won ?'?t|unable|not able)\b/,
  /^no\b/,
  /\bno puedo\b/,
  /^(no gracias|lo siento no)$/,
];
const YES = [
  /^(y|yes|yes please|yea|yeah|yep|yup|ya|ok|okay|k|sure|absolutely|definitely|of course|confirm|confirmed|accept|i accept)$/,
  /^yes\b/,
  /^(si|claro|si puedo|si claro|esta bien|de acuerdo|acepto|va)$/,
  /^si\b/,
  /^(i can|i can do it|i can take it|i can work|i'?ll take it|i will take it|i'?ll do it|i want it|count me in|i'?m available|available|i'?m in)\b/,
];

// A yes with a condition or a question ("I can only do 3 hours", "yes but after 11", "yes?") is not a
// yes: taken as one, it would assign someone who may not work the shift as offered. Spanish "si" (if) is
// left out: without its accent it is "sí" (yes).
const HEDGE =
  /\b(only|but|if|unless|until|till|after|before|except|maybe|perhaps|instead|depends|later|partial|half|solo|pero|hasta|despues|antes|tal vez|quizas?)\b/;

/**
 * YES / NO in their common variants, digits and Spanish. A bare number answers a "which one?" question
 * when one is pending (the caller decides); otherwise 1 means yes and 2 means no, as offers say.
 */
export function parseReply(text: string): ReplyIntent {
  const t = normalizeReply(text);
  if (t === '') return { kind: 'unclear' };
  const number = /^#?(\d{1,2})$/.exec(t);
  if (number) return { kind: 'number', n: Number(number[1]) };
  if (NO.some((re) => re.test(t))) return { kind: 'no' };
  if (HEDGE.test(t) || text.includes('?')) return { kind: 'unclear' };
  if (YES.some((re) => re.test(t))) return { kind: 'yes' };
  return { kind: 'unclear' };
}
