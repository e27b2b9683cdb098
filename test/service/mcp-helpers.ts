import { after } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import type { Store } from '../../src/store/index.ts';
import { clock } from '../helpers/docs.ts';

/** The small demo agency the service tests share: synced, worker running, deterministic. */
export async function smallApp(store: Store): Promise<SkybridgeApp> {
  const app = await SkybridgeApp.create({
    env: {},
    demo: 'always',
    simulator: { clients: 30, caregivers: 20, weeks: 4, now: clock, seed: 11 },
    store,
    now: clock,
  });
  after(() => app.close());
  // ~5 % of visits refuse a task log in the default profile; these tests want a predictable visit.
  app.simulator!.control.setQuirks({ encounterRejectsTaskLog: false });
  await app.start();
  return app;
}

export function newClient(): Client {
  return new Client({ name: 'skybridge-test', version: '1.0.0' });
}

/** A tool call's structured answer (every Skybridge tool returns one unless isError). */
export async function call(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ result: CallToolResult; data: Record<string, unknown>; text: string }> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  const text = result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
  return { result, data: (result.structuredContent ?? {}) as Record<string, unknown>, text };
}

/** A phone of a caregiver of the demo agency, and who holds it. */
export function caregiverPhone(app: SkybridgeApp): { id: string; digits: string } {
  const person = app.mirror
    .searchPeople('a', { kinds: ['caregiver'], limit: 50 })
    .find((p) => p.phones.length > 0 && app.mirror.identify(p.phones[0]!.digits).matches.length === 1)!;
  return { id: person.id, digits: person.phones[0]!.digits };
}

/** "+1 (303) 555.0100" — a format nobody stores, to show normalisation. */
export const oddFormat = (d: string) => `+1 (${d.slice(0, 3)}) ${d.slice(3, 6)}.${d.slice(6)}`;
