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
let answered = 0;
let non2xx = 0;
let errors = 0;
let next = 0;
const start = performance.now() + 20;

/** @param {number} k */
function send(k) {
  const due = start + k * interval;
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
  req.end(spec.body);
}

function settle() {
  answered++;
  if (answered === total) {
    agent.destroy();
    parentPort?.postMessage({ latencies, non2xx, errors });
  }
}

function pump() {
  const now = performance.now();
  while (next < total && start + next * interval <= now) {
    if (next === warmUp) parentPort?.postMessage('measuring');
    send(next++);
  }
  if (next < total) setTimeout(pump, Math.max(0, start + next * interval - performance.now()));
}
setTimeout(pump, 20);
