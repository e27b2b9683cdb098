/** One benchmark section: `run` prints its results with `console.table`. */
export interface BenchSection {
  name: string;
  run(): Promise<void>;
}

/** `BENCH_SCALE=small` runs a quick version of every section. */
export const SMALL = process.env.BENCH_SCALE === 'small';
