import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { SkybridgeApp } from '../../src/runtime/app.ts';
import { KeyRepo } from '../../src/service/keys.ts';
import { serviceSettings } from '../../src/service/settings.ts';
import { pageProblems, serveToChromium } from '../helpers/chromium.ts';
import { pgliteEngine } from '../helpers/stores.ts';
import { ManualClock } from './fixture.ts';

// The real service (buildServer: API, dashboard, helmet's CSP) on the demo agency `npm start` builds
// (its default size), the simulated channel, and a clock held at 10:00 Denver on Thu 2026-02-12.
describe('the fills page in Chromium', async () => {
  const clock = new ManualClock();
  const engine = await pgliteEngine.create();
  after(() => engine.dispose());
  const store = await engine.open();
  after(() => store.close());
  const app = await SkybridgeApp.create({
    env: { SKYBRIDGE_QUIET_HOURS: 'off' },
    demo: 'always',
    simulator: { ...serviceSettings({}).demo, now: clock.now },
    store,
    now: clock.now,
  });
  after(() => app.close());
  await app.start();
  assert.equal(app.messaging.channel, 'simulated', 'the demo texts through the simulated channel');

  // Two open shifts the office asks the page to fill, on different days (no overlap between winners).
  const { client_id: clientId } = await store.db
    .selectFrom('shifts')
    .select('client_id')
    .where('removed_at', 'is', null)
    .orderBy('appointment_id')
    .limit(1)
    .executeTakeFirstOrThrow();
  const openShift = (date: string) =>
    String(
      app.simulator!.control.addOneOffShift({
        clientId,
        caregiverId: null,
        start: `${date}T16:00:00Z`,
        end: `${date}T19:00:00Z`,
      }).id,
    );
  const refusedShift = { id: openShift('2026-02-13'), date: '2026-02-13' };
  const filledShift = { id: openShift('2026-02-16'), date: '2026-02-16' };
  await app.runSync();

  const { token } = await new KeyRepo(store).create('office', 'admin');
  const { base, browser } = await serveToChromium(app);

  test('served under the strict Content-Security-Policy, with no inline script or style', async () => {
    const answer = await fetch(`${base}/dashboard/fills`);
    assert.equal(answer.status, 200);
    const csp = answer.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const html = await answer.text();
    assert.doesNotMatch(html, /<style>|<script>(?!<\/script>)|\sstyle="/);
  });

  /** Signs in, fills `shift` from the form, answers YES on the demo phone as one texted caregiver. */
  async function fillAndAnswer(page: Page, shift: { id: string; date: string }, avoid: string[] = []) {
    await page.fill('#start-shift', shift.id);
    await page.fill('#start-date', shift.date);
    await page.click('#start-form button[type=submit]');
    await page.waitForSelector(`#start-status:has-text("Campaign open")`);
    const campaign = (await app.fills.service.list()).find((c) => c.shift.id === shift.id);
    assert.ok(campaign, 'a campaign was started');
    const texted = campaign.offers.filter((o) => o.state === 'sent');
    assert.ok(texted.length > 0, JSON.stringify(campaign.offers));
    const item = page.locator('li.fill', { hasText: `shift ${shift.id}` });
    await item.locator('.state', { hasText: 'open' }).waitFor();
    assert.equal(await item.locator('tbody tr').count(), campaign.offers.length, 'every offer listed');
    assert.match((await item.textContent()) ?? '', new RegExp(`${texted.length} texted`));

    // The demo phone lists the caregivers texted; answer YES as one of them.
    await page.waitForSelector('#phone-section:not(.hidden)');
    const winner = texted.find((o) => !avoid.includes(o.caregiverId))!.caregiverId;
    const option = page.locator('#phone-select option', { hasText: `caregiver ${winner})` });
    await option.waitFor({ state: 'attached' });
    await page.selectOption('#phone-select', (await option.getAttribute('value'))!);
    await page.waitForSelector('#phone-thread .bubble:has-text("Reply YES")');
    await page.fill('#phone-text', 'YES');
    await page.click('#phone-form button[type=submit]');
    return { campaignId: campaign.id, winner };
  }

  test('fill from the page and answer YES on the demo phone: what WellSky allows is what the page shows', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    after(() => page.close());
    const problems = pageProblems(page);
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });

    await page.goto(`${base}/dashboard/fills`);
    await page.fill('#api-key', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('#app:not(.hidden)');
    await page.waitForSelector('#banner.show');

    // The demo agency `npm start` builds may assign shifts (SKYBRIDGE_DEMO_SHIFT_WRITES, default on): the
    // YES fills the shift in (simulated) WellSky and the page says so.
    const { campaignId, winner } = await fillAndAnswer(page, filledShift);
    const filled = page.locator('li.fill.filled', { hasText: `shift ${filledShift.id}` });
    await filled.waitFor();
    assert.match((await filled.textContent()) ?? '', new RegExp(`caregiver ${winner}`));
    await page.waitForSelector('#phone-thread .bubble:has-text("Confirmed")');
    assert.equal((await app.fills.service.require(campaignId)).state, 'filled');
    const day = app
      .simulator!.control.data.appointmentsFor({
        clientId,
        from: `${filledShift.date}T16:00:00Z`,
        to: `${filledShift.date}T16:00:00Z`,
      })
      .find((a) => String(a.id) === filledShift.id);
    assert.equal(String(day?.caregiver?.id), winner, 'the assignment is in WellSky');

    // The agency as recorded in Feb 2026 (SKYBRIDGE_DEMO_SHIFT_WRITES=off): these credentials may not
    // change shifts (measured again, as the service does), so a YES is accepted and a person must assign
    // it — never shown as filled.
    app.simulator!.control.setPermissions({ appointmentsWrite: false });
    await app.docs.capabilities!.refresh(clock.now());
    await fillAndAnswer(page, refusedShift, [winner]);
    const unassigned = page.locator('li.fill.accepted-unassigned', { hasText: `shift ${refusedShift.id}` });
    await unassigned.waitFor();
    assert.match((await unassigned.textContent()) ?? '', /may not change shifts/);
    await page.waitForSelector('#phone-thread .bubble:has-text("office will put it in your schedule")');
    await page.screenshot({ path: 'artifacts/fills-desktop.png', fullPage: true });
    assert.deepEqual(problems, [], 'no CSP violation, script error or failed request');
  });
});
