export { Mirror, type MirrorOptions, type SearchOptions } from './mirror.ts';
export { foldName } from './text.ts';
export type * from './types.ts';
