// The load generator's thread (see load.ts; plain JavaScript, because a worker thread does not inherit
// the tsx loader): an open-loop, fixed-rate load. Request k is due at
// start + k / rate, whether or not earlier ones have been answered, and its latency is counted from that
// due time — so a server that stalls is charged for every request that should have gone out meanwhile
// (no coordinated omission), and nothing else inflates the figures. The first `warmUpSeconds` run at the
// same rate and are not counted: they open the connections and warm the code both sides run, and the
// main thread is told when the counted part begins ('measuring'), so it measures its loop and CPU from there.
import { Agent, request } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

/** @type {import('./load.ts').LoadOptions & { connections: number, warmUpSeconds: number }} */
const options = workerData;
const target = new URL(options.url);
const agent = new Agent({ keepAlive: true, maxSockets: options.connections });
const warmUp = Math.round(options.rate * options.warmUpSeconds);
const total = warmUp + Math.round(options.rate * options.seconds);
const interval = 1000 / options.rate;
/** @type {number[]} */
const latencies = [];
/** How late each counted request went out (its share of the latency that is the generator's). @type {number[]} */
const lateness = [];
let answered = 0;
let non2xx = 0;
let errors = 0;
let next = 0;
const start = performance.now() + 20;

/** @param {number} k */
function send(k) {
  const due = start + k * interval;
  if (k >= warmUp) lateness.push(performance.now() - due);
  const spec = options.requests[k % options.requests.length];
  /** @type {Record<string, string | number>} */
  const headers = { ...options.headers };
  if (spec.body !== undefined) headers['content-length'] = Buffer.byteLength(spec.body);
  const req = request(
    { host: target.hostname, port: target.port, method: spec.method, path: spec.path, headers, agent },
    (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        if (k >= warmUp) {
          if (status >= 200 && status < 300) latencies.push(performance.now() - due);
          else non2xx++;
        }
        settle();
      });
    },
  );
  req.on('error', () => {
    if (k >= warmUp) errors++;
    settle();
  });
  inFlight++;
  req.end(spec.body);
}

function settle() {
  inFlight--;
  answered++;
  if (answered === total) {
    agent.destroy();
    parentPort?.postMessage({ latencies, lateness, non2xx, errors });
  }
}

// Node's timers have a resolution of 1 ms and fire up to a millisecond late, which the "from due" latency
// would charge to the server: at 10 notes a second that was 0.5–0.7 ms of every answer (median) and 1.2 ms at
// p99, none of it the server's. So the timer is set to wake up to EARLY_MS before the due time, and the
// rest is waited to the microsecond with Atomics.wait — only while nothing is in flight, because a blocked
// thread would also hold back the answers it should be timing. Under load (something always in flight) the
// timer alone decides, and its lateness is counted, as before.
const EARLY_MS = 2;
const clock = new Int32Array(new SharedArrayBuffer(4));
let inFlight = 0;

function pump() {
  let now = performance.now();
  const due = start + next * interval;
  if (next < total && due > now && inFlight === 0) {
    Atomics.wait(clock, 0, 0, due - now);
    now = performance.now();
  }
  while (next < total && start + next * interval <= now) {
    if (next === warmUp) parentPort?.postMessage('measuring');
    send(next++);
  }
  if (next >= total) return;
  const wait = start + next * interval - performance.now();
  if (wait > EARLY_MS + 1) setTimeout(pump, wait - EARLY_MS);
  else if (inFlight === 0) setImmediate(pump);
  else setTimeout(pump, Math.max(0, wait));
}
setTimeout(pump, 20);
