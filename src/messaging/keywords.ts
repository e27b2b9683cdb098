/**
 * Carrier and Twilio keywords: a text that is exactly one of these words (any case, surrounding spaces
 * and punctuation ignored) is handled by messaging and never reaches a handler.
 */
export type Keyword = 'opt-out' | 'opt-in' | 'help';

const WORDS: Record<string, Keyword> = {
  STOP: 'opt-out',
  STOPALL: 'opt-out',
  UNSUBSCRIBE: 'opt-out',
  CANCEL: 'opt-out',
  END: 'opt-out',
  QUIT: 'opt-out',
  REVOKE: 'opt-out',
  OPTOUT: 'opt-out',
  ALTO: 'opt-out',
  PARAR: 'opt-out',
  START: 'opt-in',
  UNSTOP: 'opt-in',
  HELP: 'help',
  INFO: 'help',
  AYUDA: 'help',
};

export function keywordOf(text: string): { keyword: Keyword; word: string } | null {
  const word = text
    .trim()
    .replace(/^[\s"'.!¡¿?]+|[\s"'.!¡¿?]+$/g, '')
    .toUpperCase();
  const keyword = WORDS[word];
  return keyword ? { keyword, word } : null;
}

export const HELP_TEXT =
  'Shift texts from your home-care agency. Reply STOP to stop them, START to get them again. ' +
  'For anything else, call the office.';

export const OPTED_IN_TEXT = 'You will get shift texts from your agency again. Reply STOP to stop them.';

export const UNMATCHED_TEXT =
  'Thanks — we could not match this to anything waiting for your answer; the office will see it.';
