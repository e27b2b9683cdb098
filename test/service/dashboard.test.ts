import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { KeyRepo } from '../../src/service/keys.ts';
import { pageProblems, serveToChromium } from '../helpers/chromium.ts';
import { visitsOf } from '../helpers/docs.ts';
import { pgliteEngine } from '../helpers/stores.ts';
import { smallApp } from './mcp-helpers.ts';

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

  // The real service, as `npm start` builds it (API, MCP, dashboard, security headers), on this app.
  const { token: KEY } = await new KeyRepo(store).create('office', 'admin');
  const { base, browser } = await serveToChromium(app);
  const api = async (method: 'GET' | 'POST', path: string, body?: object) => {
    const answer = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: answer.status, body: (await answer.json()) as Record<string, unknown> };
  };

  // A call-out through the API: the next assigned shift a day or more ahead of the agency clock.
  const upcoming = await store.db
    .selectFrom('shifts')
    .select(['appointment_id', 'caregiver_id', 'start_at'])
    .where('caregiver_id', 'is not', null)
    .where('removed_at', 'is', null)
    .where('start_at', '>', new Date(app.now().getTime() + 24 * 3_600_000))
    .orderBy('start_at')
    .limit(1)
    .executeTakeFirstOrThrow();
  const callOut = await api('POST', '/api/v1/callouts', {
    caregiver: upcoming.caregiver_id,
    shiftId: upcoming.appointment_id,
    date: DateTime.fromJSDate(upcoming.start_at, { zone: app.timezone }).toISODate(),
    reason: 'sick',
  });

  test('the fixture is what the page is tested against', () => {
    assert.equal(noVisit.item.state, 'held');
    assert.equal(caregiverNote.item.state, 'held');
    assert.equal(delivered.item.state, 'delivered', delivered.item.reason ?? '');
    assert.equal(callOut.status, 201, JSON.stringify(callOut.body));
  });

  test('the page is served with a strict Content-Security-Policy and runs under it', async () => {
    const answer = await fetch(`${base}/dashboard`);
    const csp = answer.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(answer.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(
      answer.headers.get('x-frame-options'),
      'DENY',
      'the older header agrees with frame-ancestors',
    );
    const html = await answer.text();
    assert.doesNotMatch(html, /<style>|<script>(?!<\/script>)|\sstyle="/, 'no inline script or style');
  });

  test('at 1280×800: sign in, held first with reasons, retry and resolve change the state', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    after(() => page.close());
    const violations = pageProblems(page);
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
      .locator('#queue-list li.item')
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
    assert.match(
      (await page.textContent('#callout-body')) ?? '',
      new RegExp(`caregiver ${upcoming.caregiver_id}`),
      'the call-out reported through the API is listed',
    );
    assert.deepEqual(violations, [], 'the page runs under its CSP without a violation or an error');
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
