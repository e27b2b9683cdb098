import type { Sync, SyncSummary } from './engine.ts';

/**
 * The service's scheduled sync (issue #5 hosts it): one run every `everyMs`, never two at once (the
 * engine coalesces), incremental after the first full one. Returns a stop function.
 */
export function scheduleSync(
  sync: Sync,
  options: {
    everyMs: number;
    /** When the first run happens; default at once. */
    firstAfterMs?: number;
    onRun?: (summary: SyncSummary) => void;
    onError?: (error: unknown) => void;
  },
): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      const summary = await sync.run();
      options.onRun?.(summary);
    } catch (error) {
      options.onError?.(error);
    }
    if (!stopped) timer = setTimeout(tick, options.everyMs);
  };
  timer = setTimeout(tick, options.firstAfterMs ?? 0);
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
