import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

// A fixed-rate HTTP load on a server running in this process, measured the way it matters for latency:
// the load generator runs in a worker thread (load-worker.js), so its own parsing and bookkeeping do not
// sit on the server's event loop and inflate the very latencies it reports. Requests go out evenly spaced
// and open-loop (each at its due time, answered or not), latency counted from the due time.
//
// Not autocannon (used before 2026-11-30): with a rate, each of its connections sends back-to-back until
// it has made its share of the second and then waits for the next second, so the server saw a burst at
// the top of every second; and its coordinated-omission correction is given an expected interval of
// ceil(1 / per-connection rate) = 1 ms, so every answer slower than 1 ms was also recorded as one sample
// per millisecond below it — a single 100 ms answer weighed as 100 samples in the percentiles.

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadOptions {
  url: string;
  rate: number;
  seconds: number;
  headers: Record<string, string>;
  /** Sent in turn, over and over (fixed requests: a worker thread cannot run a setup function). */
  requests: LoadRequest[];
  /** Run first at the same rate, not counted (default 1 s): new connections, cold code. */
  warmUpSeconds?: number;
}

export interface LoadFigures {
  requests: number;
  'non-2xx': number;
  errors: number;
  'p50 (ms)': number;
  'p90 (ms)': number;
  'p99 (ms)': number;
  'max (ms)': number;
  /** How late the generator sent (p99): counted in the latencies above, though not the server's doing. */
  'sent late p99 (ms)': number;
  /** How late the server's event loop ran its timers: what every request waiting on it also waited. */
  'loop delay p99 (ms)': number;
  'loop delay max (ms)': number;
  /** CPU time of the server's thread (this process's main thread) divided by the requests answered. */
  'CPU per request (µs)': number;
  'load avg (1 min)': string;
}

const ms = (ns: number) => Math.round(ns / 1e5) / 10;
const round = (value: number) => Math.round(value * 10) / 10;

/**
 * CPU milliseconds of this process's main thread (Linux: /proc, user + system), else of its event loop's
 * busy time — which on a crowded machine also counts the time the thread waited for a core.
 */
function mainThreadCpuMs(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const [utime, stime] = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .slice(11, 13)
      .map(Number);
    return ((utime! + stime!) * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return performance.eventLoopUtilization().active;
  }
}

/** Runs the load for `seconds` at `rate` requests a second and measures this process's event loop. */
export async function measureLoad(options: LoadOptions): Promise<LoadFigures> {
  const delay = monitorEventLoopDelay({ resolution: 1 });
  let cpuBefore = mainThreadCpuMs();
  const result = await new Promise<{
    latencies: number[];
    lateness: number[];
    non2xx: number;
    errors: number;
  }>((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), {
      workerData: {
        ...options,
        connections: options.rate >= 1_000 ? 64 : 16,
        warmUpSeconds: options.warmUpSeconds ?? 1,
      },
    });
    worker.on('message', (message) => {
      if (message === 'measuring') {
        cpuBefore = mainThreadCpuMs();
        delay.enable();
        return;
      }
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', reject);
  });
  delay.disable();
  const cpu = mainThreadCpuMs() - cpuBefore;
  const latencies = result.latencies.sort((x, y) => x - y);
  const lateness = result.lateness.sort((x, y) => x - y);
  const answered = latencies.length + result.non2xx + result.errors;
  const at = (q: number, sorted = latencies) =>
    sorted.length === 0
      ? Number.NaN
      : round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!);
  return {
    requests: answered,
    'non-2xx': result.non2xx,
    errors: result.errors,
    'p50 (ms)': at(0.5),
    'p90 (ms)': at(0.9),
    'p99 (ms)': at(0.99),
    'max (ms)': round(latencies.at(-1) ?? Number.NaN),
    'sent late p99 (ms)': at(0.99, lateness),
    'loop delay p99 (ms)': ms(delay.percentile(99)),
    'loop delay max (ms)': ms(delay.max),
    'CPU per request (µs)': Math.round((cpu * 1000) / Math.max(1, answered)),
    'load avg (1 min)': loadavg()[0]!.toFixed(2),
  };
}

/**
 * The WellSky simulator in a process of its own (`skybridge simulator`), as the real WellSky would be:
 * the environment that points a `SkybridgeApp` at it, and a stop function.
 */
export async function simulatorApart(size: { caregivers: number; clients: number }) {
  const main = fileURLToPath(new URL('../src/cli/main.ts', import.meta.url));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      main,
      'simulator',
      '--port',
      '0',
      '--caregivers',
      String(size.caregivers),
      '--clients',
      String(size.clients),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  const ready =
    /listening on (http:\/\/\S+)[\s\S]*credentials:\s+client_id=(\S+) client_secret=(\S+)[\s\S]*agency:\s+(\S+) \(([^)]+)\)/;
  let match = ready.exec(output);
  while (!match) {
    if (child.exitCode !== null) throw new Error(`the simulator exited before it listened:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    match = ready.exec(output);
  }
  const [, url, clientId, clientSecret, agencyId, timezone] = match;
  return {
    env: {
      WELLSKY_BASE_URL: url!,
      WELLSKY_CLIENT_ID: clientId!,
      WELLSKY_CLIENT_SECRET: clientSecret!,
      WELLSKY_AGENCY_ID: agencyId!,
      WELLSKY_TIMEZONE: timezone!,
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
