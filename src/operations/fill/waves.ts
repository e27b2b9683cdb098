import type { FillConfig } from './config.ts';

/**
 * When the next wave goes out and how many it offers. The configured gaps (10 then 20 min) shrink in
 * proportion when they would not fit before the escalation deadline, never below `minGapMinutes`: a
 * shift tomorrow gets the full rhythm, one in three hours gets its waves minutes apart.
 */
export function waveSize(config: FillConfig, wave: number): number {
  if (wave === 1) return config.firstWave;
  if (wave === 2) return config.secondWave;
  return config.maxOffers;
}

export const LAST_WAVE = 3;

/** The instant of wave `wave + 1`, after wave `wave` went out at `sentAt`; null after the last. */
export function nextWaveAt(config: FillConfig, wave: number, sentAt: Date, escalateAt: Date): Date | null {
  if (wave >= LAST_WAVE) return null;
  const remaining = config.waveGapsMinutes.slice(wave - 1);
  const planned = remaining.reduce((a, b) => a + b, 0) * 60_000;
  const available = escalateAt.getTime() - sentAt.getTime();
  const scale = available > 0 && available < planned ? available / planned : available <= 0 ? 0 : 1;
  const gap = Math.max(config.minGapMinutes * 60_000, remaining[0]! * 60_000 * scale);
  return new Date(sentAt.getTime() + gap);
}

/**
 * The escalation deadline: `escalateBeforeMinutes` before the start, or now when the shift starts
 * sooner than the first wave could work (the first gap before that deadline). A shift that soon gets
 * every eligible caregiver at once (see `collapse`).
 */
export function escalationDeadline(config: FillConfig, start: Date, now: Date): Date {
  const deadline = start.getTime() - config.escalateBeforeMinutes * 60_000;
  const firstWaveWorks = now.getTime() + config.waveGapsMinutes[0] * 60_000;
  return deadline < firstWaveWorks ? now : new Date(deadline);
}

/** Too late for waves: everyone eligible is offered at once. */
export function collapse(escalateAt: Date, now: Date): boolean {
  return escalateAt.getTime() <= now.getTime();
}
