import type { SkybridgeApp } from '../../runtime/app.ts';
import type { Scope } from './results.ts';

/** What every tool module gets: the app, the caller's scope, and a wait for the first sync. */
export interface ToolContext {
  app: SkybridgeApp;
  scope: Scope;
  /** Resolves once the mirror holds a first sync (stdio starts serving before `app.start()` ends). */
  ready: () => Promise<void>;
  /** `simulated` or `live`, carried in every answer so a demo is never mistaken for the real WellSky. */
  wellsky: 'simulated' | 'live';
}

/** How fresh the mirror is: the last sync's end and its age, so the assistant can judge an answer. */
export function freshness(app: SkybridgeApp, now = new Date()) {
  const finished = app.lastSync?.finishedAt ?? null;
  return {
    mirrorSyncedAt: finished,
    mirrorAgeSeconds: finished
      ? Math.max(0, Math.round((now.getTime() - Date.parse(finished)) / 1000))
      : null,
  };
}
