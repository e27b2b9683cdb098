// Types for scripts/build.js, which the tests import.
export class BuildError extends Error {}
export function distIsFresh(root?: string, out?: string): boolean;
export function build(options?: { root?: string; out?: string }): void;
