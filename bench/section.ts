/** One benchmark section: `run` prints its results with `console.table`. */
export interface BenchSection {
  name: string;
  run(): Promise<void>;
}

/** `BENCH_SCALE=small` runs a quick version of every section. */
export const SMALL = process.env.BENCH_SCALE === 'small';

/** `BENCH_SCALE=medium`: sections that have one run a mid size (for profiling what grows with scale). */
export const MEDIUM = process.env.BENCH_SCALE === 'medium';
