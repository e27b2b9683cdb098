import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { after } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { SkybridgeApp } from '../../src/runtime/app.ts';
import { buildServer } from '../../src/service/server.ts';

/** Debian's Chromium (no browser downloads work here); `scripts/test-setup.js` installs it when root. */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium without the background traffic (updates, sync, QUIC) a test has no use for. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get install -y chromium\``);
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * The real service over `app` (API, dashboard, security headers, as `npm start` builds it) on a free port,
 * and Chromium: both closed after the calling test file. Screenshots go to `artifacts/`.
 */
export async function serveToChromium(app: SkybridgeApp): Promise<{ base: string; browser: Browser }> {
  const http = buildServer(app, { logger: false });
  await http.listen({ port: 0, host: '127.0.0.1' });
  after(() => http.close());
  const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}`;
  const browser = await launchChromium();
  after(() => browser.close());
  await mkdir('artifacts', { recursive: true });
  return { base, browser };
}

/** What `page` refused or threw from now on: Content-Security-Policy violations and script errors. */
export function pageProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to/.test(m.text())) problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}
