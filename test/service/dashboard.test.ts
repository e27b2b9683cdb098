import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { type Browser, chromium, type Page } from 'playwright-core';
import type { SkybridgeApp } from '../../src/runtime/app.ts';
import { dashboardHtml } from '../../src/service/dashboard/index.ts';
import { visitsOf } from '../helpers/docs.ts';
import { pgliteEngine } from '../helpers/stores.ts';
import { smallApp } from './mcp-helpers.ts';

const CHROMIUM = '/usr/bin/chromium';
const KEY = 'sk_test_dashboard_key_0123456789';

/**
 * The handful of /api/v1 routes the page calls, on the REAL app objects, shaped as the HTTP contract
 * says. (The real service is written alongside; this keeps the page's test independent of it.)
 */
function testServer(app: SkybridgeApp) {
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-skybridge-wellsky': 'simulated' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
  };
  return createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/dashboard') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'x-skybridge-wellsky': 'simulated' });
      res.end(dashboardHtml());
      return;
    }
    if (req.headers.authorization !== `Bearer ${KEY}`)
      return send(res, 401, { error: { code: 'unauthorized', message: 'missing or unknown API key' } });
    try {
      const action = url.pathname.match(/^\/api\/v1\/documentation\/([^/]+)\/(retry|resolve)$/);
      if (req.method === 'POST' && action) {
        const body = await readBody(req);
        const item =
          action[2] === 'retry'
            ? await app.docs.service.retry(action[1]!, body.by)
            : await app.docs.service.resolve(action[1]!, body);
        return send(res, 200, { item });
      }
      if (url.pathname === '/api/v1/documentation') {
        const state = url.searchParams.get('state');
        const items = await app.docs.service.list({
          ...(state ? { state: state as 'held' } : {}),
          limit: Number(url.searchParams.get('limit') ?? 50),
        });
        return send(res, 200, { items });
      }
      if (url.pathname === '/api/v1/capabilities')
        return send(res, 200, { capabilities: await app.docs.capabilities!.rows() });
      if (url.pathname === '/api/v1/sync') {
        // The service's shape: recent runs, newest first.
        const last = app.lastSync!;
        const run = {
          id: last.runId,
          kind: last.kind,
          status: last.status,
          startedAt: last.startedAt,
          finishedAt: last.finishedAt,
          counts: last.counts,
          errors: last.errors,
        };
        return send(res, 200, { ready: app.ready, runs: [run] });
      }
      if (url.pathname === '/api/v1/callouts') return send(res, 200, { items: [] });
      return send(res, 404, { error: { code: 'not-found', message: 'no such route' } });
    } catch (error) {
      return send(res, 400, { error: { code: 'invalid', message: (error as Error).message } });
    }
  });
}

async function launch(): Promise<Browser> {
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

const stateOf = (page: Page, id: string) =>
  page.locator(`li.item[data-id="${id}"]`).getAttribute('data-state');

describe('staff dashboard in Chromium', async () => {
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const store = await engine.open();
  after(() => store.close());
  const app = await smallApp(store);
  const sim = app.simulator!;
  const service = app.docs.service;

  // A note for a client with no visit at its time (held), one for a caregiver (held: no route), and a
  // delivered note created last — so "held first" is the page's doing, not creation order.
  const patient = sim.control.createPatient({ name: [{ family: 'Newman', given: ['Ada'] }] });
  await app.runSync();
  const noVisit = await service.submit(
    { kind: 'client-note', clientId: String(patient.id), text: 'Fell asleep early.', at: '2026-02-12T08:30' },
    { waitMs: 10_000 },
  );
  const visit = visitsOf(sim, '2026-02-09', '2026-02-11')[0]!;
  const caregiverNote = await service.submit(
    { kind: 'caregiver-note', caregiverId: visit.caregiverId, text: 'Wants more weekend hours' },
    { waitMs: 10_000 },
  );
  const delivered = await service.submit(
    { kind: 'client-note', clientId: visit.clientId, text: 'Walked to the mailbox.', at: visit.middle },
    { waitMs: 10_000 },
  );

  const http = testServer(app);
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => http.close(() => resolve())));
  const base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const browser = await launch();
  after(() => browser.close());
  await mkdir('artifacts', { recursive: true });

  test('the fixture is what the page is tested against', () => {
    assert.equal(noVisit.item.state, 'held');
    assert.equal(caregiverNote.item.state, 'held');
    assert.equal(delivered.item.state, 'delivered', delivered.item.reason ?? '');
  });

  test('at 1280×800: sign in, held first with reasons, retry and resolve change the state', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    after(() => page.close());
    await page.goto(`${base}/dashboard`);
    const source = await page.content();
    assert.doesNotMatch(source, /Newman|Fell asleep|weekend hours/, 'no agency data in the page itself');

    await page.fill('#api-key', 'wrong-key');
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#login-error:has-text("not accepted")');

    await page.fill('#api-key', KEY);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('li.item');
    assert.ok(await page.isVisible('#banner'), 'the simulated banner shows');
    assert.match((await page.textContent('#banner')) ?? '', /SIMULATED WellSky/);

    const states = await page
      .locator('li.item')
      .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-state')));
    assert.deepEqual(states.slice(0, 2), ['held', 'held']);
    assert.equal(states.at(-1), 'delivered');
    const heldCaregiver = page.locator(`li.item[data-id="${caregiverNote.item.id}"]`);
    assert.match((await heldCaregiver.textContent()) ?? '', /no route for notes on a caregiver's profile/);
    assert.match(
      (await page.locator(`li.item[data-id="${noVisit.item.id}"]`).textContent()) ?? '',
      /no visit of this client.*add it on the right visit in WellSky/s,
    );

    // Capability matrix and sync status render from the real app.
    await page.waitForSelector('#cap-body tr');
    assert.ok((await page.locator('#cap-body tr').count()) > 5);
    assert.match((await page.textContent('#cap-legend')) ?? '', /no-such-route/);
    assert.match((await page.textContent('#sync-body')) ?? '', /sync finished/);
    assert.match((await page.textContent('#callout-body')) ?? '', /None yet/);
    assert.match((await page.textContent('#sync-body')) ?? '', /seen/);
    await page.screenshot({ path: 'artifacts/dashboard-1280.png', fullPage: true });

    // Retry needs a name (who checked WellSky); the visit now exists, so the retried note is delivered.
    const retry = page.locator(`li.item[data-id="${noVisit.item.id}"] button:has-text("Retry")`);
    await retry.click();
    await page.waitForSelector(
      `li.item[data-id="${noVisit.item.id}"] [role=alert]:has-text("Enter your name")`,
    );
    await page.fill('#staff-name', 'Dana (office)');
    sim.control.addOneOffShift({
      clientId: patient.id,
      caregiverId: visit.caregiverId,
      start: '2026-02-12T14:00:00Z',
      end: '2026-02-12T16:00:00Z',
    });
    await page.locator(`li.item[data-id="${noVisit.item.id}"] button:has-text("Retry")`).click();
    await page.waitForSelector(`li.item[data-id="${noVisit.item.id}"]:not([data-state="held"])`);
    const deadline = Date.now() + 15_000;
    while ((await stateOf(page, noVisit.item.id)) !== 'delivered' && Date.now() < deadline) {
      await page.click('#reload');
      await page.waitForTimeout(200);
    }
    assert.equal(await stateOf(page, noVisit.item.id), 'delivered');
    assert.equal((await service.get(noVisit.item.id))!.state, 'delivered');

    // Resolve the caregiver note: entered in WellSky by hand, with a comment.
    const row = page.locator(`li.item[data-id="${caregiverNote.item.id}"]`);
    await row.locator('button:has-text("Mark resolved")').click();
    await row.locator('textarea[name=comment]').fill('Added to her profile by hand');
    await row.locator('input[name=wellskyId]').fill('77123');
    await row.locator('form button[type=submit]').click();
    await page.waitForSelector(`li.item[data-id="${caregiverNote.item.id}"][data-state="delivered"]`);
    const resolved = (await service.get(caregiverNote.item.id))!;
    assert.equal(resolved.route, 'manual');
    assert.match(
      resolved.reason ?? '',
      /entered in WellSky by Dana \(office\): Added to her profile by hand/,
    );
    await page.screenshot({ path: 'artifacts/dashboard-1280-after.png', fullPage: true });
  });

  test('at 390×844 (a phone): one column, nothing wider than the screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    after(() => page.close());
    await page.goto(`${base}/dashboard`);
    await page.fill('#api-key', KEY);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('li.item');
    await page.waitForSelector('#cap-body tr');
    // A string: the test's TypeScript has no DOM types.
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `page is ${overflow}px wider than the phone`);
    const [queue, caps] = await Promise.all([
      page.locator('section.queue').boundingBox(),
      page.locator('#cap-title').boundingBox(),
    ]);
    assert.ok(queue && caps && caps.y > queue.y + queue.height - 1, 'sections stack in one column');
    await page.screenshot({ path: 'artifacts/dashboard-390.png', fullPage: true });
  });
});
