import { Rng } from './agency/random.ts';
import type { Faults } from './types.ts';

/**
 * Seeded dice for fault injection: one stream per fault kind, restarted on every configuration change,
 * so "seed S, faults F, requests 1…n" always fails the same requests the same way.
 */
export class FaultDice {
  private latency!: Rng;
  private drop!: Rng;
  private error!: Rng;
  private status!: Rng;
  private throttle!: Rng;
  private lost!: Rng;
  private generation = 0;

  constructor(private readonly seed: number) {
    this.restart();
  }

  restart(): void {
    const base = this.seed * 31 + this.generation++;
    this.latency = new Rng(base * 7 + 1);
    this.drop = new Rng(base * 7 + 2);
    this.error = new Rng(base * 7 + 3);
    this.status = new Rng(base * 7 + 4);
    this.throttle = new Rng(base * 7 + 5);
    this.lost = new Rng(base * 7 + 6);
  }

  delayMs(f: Faults): number {
    if (f.latencyMs <= 0 && f.latencyJitterMs <= 0) return 0;
    return (
      Math.max(0, f.latencyMs) +
      (f.latencyJitterMs > 0 ? Math.floor(this.latency.next() * f.latencyJitterMs) : 0)
    );
  }

  shouldDrop(f: Faults): boolean {
    return f.dropRate > 0 && this.drop.next() < f.dropRate;
  }

  shouldLoseResponse(f: Faults): boolean {
    return f.lostResponseRate > 0 && this.lost.next() < f.lostResponseRate;
  }

  shouldThrottle(f: Faults): boolean {
    return f.force429Rate > 0 && this.throttle.next() < f.force429Rate;
  }

  /** The 5xx to inject, or undefined. */
  serverError(f: Faults): 500 | 502 | 503 | undefined {
    if (f.errorRate <= 0 || this.error.next() >= f.errorRate) return undefined;
    if (f.errorStatus !== null) return f.errorStatus;
    return ([500, 502, 503] as const)[Math.floor(this.status.next() * 3)];
  }
}
