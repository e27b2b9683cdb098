/**
 * Folds a name for matching: Unicode NFD, combining marks stripped, lower case, whitespace collapsed.
 * "José Núñez" and "jose nunez" fold alike, so a search is accent- and case-insensitive.
 */
export function foldName(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLocaleLowerCase('en-US')
    .replace(/[^\p{L}\p{N}'-]+/gu, ' ')
    .trim();
}
