import { after } from 'node:test';
import type { Logger } from 'pino';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { KeyRepo } from '../../src/service/keys.ts';
import { buildServer, type SkybridgeServer } from '../../src/service/server.ts';
import type { EngineFactory } from '../helpers/stores.ts';

export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789';

export interface ServiceFixture {
  app: SkybridgeApp;
  server: SkybridgeServer;
  keys: KeyRepo;
  tokens: { read: string; write: string; admin: string };
  auth(scope: 'read' | 'write' | 'admin'): { authorization: string };
  /** Closes the server and the app as `serve` does on SIGTERM (the store stays open to inspect). */
  shutdown(): Promise<void>;
}

/**
 * A started app on a small demo agency (simulator in process), on one store engine, with one key per
 * scope and the server built (not listening: tests use `inject`). Closed when the file's tests end.
 */
export async function serviceFixture(
  engine: EngineFactory,
  options: { logger?: Logger; start?: boolean; now?: () => Date } = {},
): Promise<ServiceFixture> {
  const fixture = await engine.create();
  const store = await fixture.open();
  const app = await SkybridgeApp.create({
    env: {},
    demo: 'always',
    simulator: { caregivers: 8, clients: 15, weeks: 2, seed: 5 },
    store,
    syncEveryMs: 3_600_000,
    ...(options.now ? { now: options.now } : {}),
  });
  if (options.start !== false) await app.start();
  const keys = new KeyRepo(store);
  const tokens = {
    read: (await keys.create('reader', 'read')).token,
    write: (await keys.create('writer', 'write')).token,
    admin: (await keys.create('admin', 'admin')).token,
  };
  const server = buildServer(app, {
    logger: options.logger ?? false,
    webhookSecret: WEBHOOK_SECRET,
    keys,
    extensions: [],
  });
  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= (async () => {
      await server.close();
      await app.close();
    })();
    return closing;
  };
  after(async () => {
    await shutdown();
    await store.close();
    await fixture.dispose();
  });
  return {
    app,
    server,
    keys,
    tokens,
    shutdown,
    auth: (scope) => ({ authorization: `Bearer ${tokens[scope]}` }),
  };
}

/** A caregiver, a client and a phone of someone in the mirror, for requests that need real ids. */
export function samples(app: SkybridgeApp) {
  const caregiver = app.mirror
    .searchPeople('a', { kinds: ['caregiver'], limit: 50 })
    .find((p) => p.phones.length > 0)!;
  const client = app.mirror.searchPeople('a', { kinds: ['client'], limit: 50 })[0]!;
  return { caregiver, client, phone: caregiver.phones[0]!.digits };
}
