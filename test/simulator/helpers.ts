import { type RunningSimulator, type SimulatorOptions, startSimulator } from '../../src/simulator/index.ts';

/** A Thursday in the period the facts cover; every test pins the clock so data is reproducible. */
export const NOW = new Date('2026-02-12T17:00:00Z');

export interface Api {
  sim: RunningSimulator;
  token: string;
  /** fetch against the simulator with the Bearer header; JSON bodies are stringified. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Answer>;
  close(): Promise<void>;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  json: any;
}

export async function fetchToken(sim: RunningSimulator): Promise<string> {
  const res = await fetch(`${sim.url}/oauth/accesstoken`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: sim.credentials.clientId,
      client_secret: sim.credentials.clientSecret,
    }),
  });
  const body = (await res.json()) as { access_token: string };
  return body.access_token;
}

export async function raw(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export async function startApi(options: SimulatorOptions = {}): Promise<Api> {
  const sim = await startSimulator({ now: () => NOW, ...options });
  const api: Api = {
    sim,
    token: await fetchToken(sim),
    call(method, path, body, headers = {}) {
      const init: RequestInit = {
        method,
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json', ...headers },
      };
      if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
      return raw(`${sim.url}${path}`, init);
    },
    close: () => sim.close(),
  };
  return api;
}

export function tag(resource: unknown, code: string): string | null | undefined {
  const meta = (resource as { meta?: { tag?: { code: string; display?: string | null }[] } | null }).meta;
  return meta?.tag?.find((t) => t.code === code)?.display;
}
