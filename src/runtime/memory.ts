import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Collections at most, and the least a collection must give back for another to be worth it. */
const MAX_COLLECTIONS = 6;
const MIN_GAIN_BYTES = 2 * 1024 * 1024;

/**
 * Full garbage collections, now, however node was started. A sync's burst (response pages, parsed and
 * validated resources, rows read back for the mirror's indexes) leaves a few hundred MB of dead objects
 * that V8, with no memory pressure, keeps for minutes: at 2,000 caregivers / 5,000 clients that was a
 * third of the service's resident memory after its first sync (issue #11 §6). One collection frees the
 * objects but leaves most of their pages committed; each further one compacts a few more pages and gives
 * them back, so this collects until the heap stops shrinking. V8 exposes `gc` to contexts created after
 * the flag is set.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let before = Number.POSITIVE_INFINITY;
  for (let i = 0; i < MAX_COLLECTIONS; i++) {
    gc();
    const after = getHeapStatistics().total_heap_size;
    if (before - after < MIN_GAIN_BYTES) return;
    before = after;
  }
}
