import { existsSync } from 'node:fs';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { SkybridgeApp } from '../runtime/app.ts';
import { lockHolder } from '../store/data-dir-lock.ts';
import { embeddedDataDir } from '../store/store.ts';
import type { SyncProgress } from '../sync/engine.ts';
import { KeyRepo } from './keys.ts';
import { serviceLogger } from './logger.ts';
import { buildServer, type SkybridgeServer } from './server.ts';
import { SettingsError, serviceSettings } from './settings.ts';

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Where the human-readable start lines go (stdout). */
  print?: (line: string) => void;
  onProgress?: (p: SyncProgress) => void;
  logger?: Logger;
}

export interface RunningService {
  app: SkybridgeApp;
  server: SkybridgeServer;
  url: string;
  /** Graceful: stop accepting, let in-flight requests end, stop the worker (nothing stays claimed), close. */
  stop(): Promise<void>;
}

/** The file the first admin key is written to, inside the data folder. */
export const FIRST_KEY_FILE = 'first-api-key.txt';

/**
 * `skybridge serve`: build the app (WellSky, or the demo simulator — said plainly), listen at once so
 * `/healthz` and `/readyz` answer during the first sync, start the app (capabilities, sync, worker),
 * make sure an admin key exists, print the URLs.
 */
export async function runService(options: RunOptions = {}): Promise<RunningService> {
  const env = options.env ?? process.env;
  const print = options.print ?? ((line: string) => console.log(line));
  const settings = serviceSettings(env);
  // The embedded store is lent to commands beside its service, so a second service would borrow it
  // too, and run a second worker, sync (and demo WellSky) on it. Several services need PostgreSQL. This
  // check gives the clear message; the app below never borrows, so two starting at once meet the lock.
  if (!env.DATABASE_URL?.trim()) {
    const dataDir = embeddedDataDir(env);
    const holder = await lockHolder(dataDir);
    if (holder !== undefined && holder !== process.pid) {
      throw new SettingsError(
        `the embedded store in ${dataDir} is held by another process (pid ${holder}), most likely a Skybridge ` +
          'service already running on it: one service per data folder. Stop that one first, give this one ' +
          'its own SKYBRIDGE_DATA_DIR, or run several services on PostgreSQL (DATABASE_URL).',
      );
    }
  }
  const app = await SkybridgeApp.create({ env, simulator: settings.demo, borrowRunningService: false });
  if (app.mode === 'simulated') {
    print('SIMULATED WELLSKY: no WellSky credentials (WELLSKY_CLIENT_ID, WELLSKY_CLIENT_SECRET) are set, so');
    print(
      `Skybridge runs against an in-process simulator with a synthetic demo agency (${settings.demo.caregivers} caregivers, ` +
        `${settings.demo.clients} clients). Nothing here talks to the real WellSky; every answer says so in its ` +
        'X-Skybridge-WellSky: simulated header.',
    );
    print(
      settings.demo.permissions.appointmentsWrite
        ? 'The demo agency may assign shifts (shifts.write), so a fill ends assigned; SKYBRIDGE_DEMO_SHIFT_WRITES=off shows the recorded agency, which WellSky refused it.'
        : 'The demo agency is refused shift writes, as recorded (SKYBRIDGE_DEMO_SHIFT_WRITES=off): a fill ends accepted, for a person to assign.',
    );
  } else {
    print(`WellSky: ${app.client.config.baseUrl} (agency ${app.client.config.agencyId})`);
  }
  print(
    `Store: ${app.store.engine === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${settings.dataDir}`}`,
  );
  const keys = new KeyRepo(app.store);
  let server: SkybridgeServer;
  try {
    server = buildServer(app, {
      logger: options.logger ?? serviceLogger(),
      webhookSecret: settings.webhookSecret,
      keys,
      rateLimitPerMinute: settings.rateLimitPerMinute,
      // Embedded: audit rows go to a spool in the data folder first (see service/audit-spool.ts).
      ...(app.store.engine === 'pglite' ? { auditSpoolDir: join(settings.dataDir, 'audit-spool') } : {}),
    });
    await server.listen({ port: settings.port, host: settings.host });
  } catch (error) {
    await app.close();
    throw error;
  }
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the HTTP server has no TCP address');
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  const stop = async () => {
    await server.close();
    await app.close();
  };
  try {
    print(`Listening on ${url} (readiness: ${url}/readyz)`);
    await app.start({
      onStep: (step) => print(`start: ${step}`),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
    if (app.docs.capabilities?.agencyIdMatches === false) {
      print(
        `start: THE AGENCY ID DOES NOT MATCH THESE CREDENTIALS: WellSky refuses agency ${app.client.config.agencyId} ` +
          '("Access denied. Invalid agencyId."), so notes, office tasks and documents will be held. Check ' +
          'WELLSKY_AGENCY_ID (the agency these API credentials belong to); this is not a permission to ask WellSky for.',
      );
    }
    const sync = app.lastSync;
    if (sync?.status === 'ok') print(`start: mirror synced (${(sync.durationMs / 1000).toFixed(1)} s)`);
    else if (sync) {
      print(
        `start: the first sync was ${sync.status.toUpperCase()} (${sync.errors[0] ?? 'see GET /api/v1/sync'}); answers come from the mirror as last synced, and the scheduled sync retries`,
      );
    }
    if ((await keys.countLive()) === 0) {
      const { token } = await keys.create('first-admin', 'admin');
      await mkdir(settings.dataDir, { recursive: true });
      const file = join(settings.dataDir, FIRST_KEY_FILE);
      await writeFile(file, `${token}\n`, { mode: 0o600 });
      await chmod(file, 0o600);
      print(
        `First API key (admin scope) created and written to ${file} — readable by you only; the key is not printed.`,
      );
    }
    if (!settings.webhookSecret)
      print('Webhooks: off (set SKYBRIDGE_WEBHOOK_SECRET to receive WellSky change notifications)');
  } catch (error) {
    await stop();
    throw error;
  }
  print('');
  print(`Skybridge is ready${app.mode === 'simulated' ? ' (SIMULATED WellSky, demo agency)' : ''}:`);
  print(`  API        ${url}/api/v1/   (Authorization: Bearer <key>)`);
  print(`  Dashboard  ${url}/dashboard`);
  print(`  MCP        ${url}/mcp`);
  print(`  OpenAPI    ${url}/openapi.json`);
  print(`  Health     ${url}/healthz   Metrics ${url}/metrics`);
  // A line to paste as it is: the first key's file when it is there, else where a key goes.
  const keyFile = join(settings.dataDir, FIRST_KEY_FILE);
  const bearer = existsSync(keyFile) ? `$(cat '${keyFile.replaceAll("'", "'\\''")}')` : '<your API key>';
  print(`Try: curl -H "Authorization: Bearer ${bearer}" "${url}/api/v1/people?name=a"`);
  return { app, server, url, stop };
}
