import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { KeyRepo } from '../../src/service/keys.ts';
import { createMcpServer } from '../../src/service/mcp/server.ts';
import { serveToChromium } from '../helpers/chromium.ts';
import { postgresEngine } from '../helpers/stores.ts';
import { call, newClient } from '../service/mcp-helpers.ts';
import { at, buildWatchScenario } from './scenario.ts';

// The real service on the demo agency (PostgreSQL: the embedded engine is covered by the watch's own
// tests). At 10:30 Denver Lara has not clocked in for her 10:00 shift; Otto's 12:00 shift is open.
describe('office board in Chromium', async () => {
  const engine = await postgresEngine.create();
  after(() => engine.dispose());
  const store = await engine.open();
  after(() => store.close());
  const s = await buildWatchScenario(store);
  after(() => s.close());
  const lara = s.caregiver('Lara');
  const lateShift = s.shift(lara.id, '2026-02-12T17:00:00Z', '2026-02-12T20:00:00Z');
  const openShift = s.shift(null, '2026-02-12T19:00:00Z', '2026-02-12T21:00:00Z');
  // Two weeks of history: past shifts get their visits in the simulator (clock-ins as WellSky keeps them).
  const regular = s.caregiver('Rita');
  for (let d = 29; d <= 42; d++) {
    const day = d <= 31 ? `2026-01-${d}` : `2026-02-${String(d - 31).padStart(2, '0')}`;
    s.shift(regular.id, `${day}T15:00:00Z`, `${day}T19:00:00Z`);
    s.shift(lara.id, `${day}T20:00:00Z`, `${day}T22:00:00Z`);
  }
  await s.sync();
  s.clock.set(at('2026-02-12T17:30:00Z'));
  await s.app.watch.watch.tick();
  const { campaign } = await s.app.fills.service.start({ shiftId: openShift, date: '2026-02-12' });

  const { token } = await new KeyRepo(store).create('office', 'read');
  const { base, browser } = await serveToChromium(s.app);

  test('shows the late shift with what the watch did, the open shift with its fill, and charts with data', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
    });
    await page.goto(`${base}/dashboard/board`);
    await page.fill('#api-key', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });

    const late = page.locator(`#late li[data-shift="${lateShift}"]`);
    await late.waitFor();
    const lateText = await late.textContent();
    assert.match(lateText ?? '', /Lara Watch/);
    assert.match(lateText ?? '', /Clock-in reminder text: sent/);
    assert.match(lateText ?? '', /Escalated to the office: escalated/);
    assert.match(lateText ?? '', /10:00–13:00/, 'agency time, not the browser’s');

    const open = page.locator(`#open li[data-shift="${openShift}"]`);
    await open.waitFor();
    assert.match((await open.textContent()) ?? '', new RegExp(`fill: ${campaign.state}`));

    const points = await page.evaluate(() => {
      const chart = (
        globalThis as unknown as {
          Chart: { getChart(id: string): { data: { datasets: { data: (number | null)[] }[] } } };
        }
      ).Chart;
      return ['chart-evv', 'chart-clockins', 'chart-fills', 'chart-confirm', 'chart-hours'].map((id) =>
        chart
          .getChart(id)!
          .data.datasets.reduce((n, d) => n + d.data.filter((v) => v !== null && v !== 0).length, 0),
      );
    });
    assert.ok(points[0]! > 0, `EVV compliance has points: ${points}`);
    assert.ok(points[1]! > 0, `late/missed clock-ins have points: ${points}`);
    assert.ok(points[4]! > 0, `hours have points: ${points}`);
    await page.screenshot({ path: 'artifacts/board-desktop.png', fullPage: true });
    assert.deepEqual(problems, []);
    await page.close();
  });

  test('reads on a phone: one column, nothing wider than the screen', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await page.goto(`${base}/dashboard/board`);
    await page.fill('#api-key', token);
    await page.click('#login-form button[type=submit]');
    await page.waitForSelector('body[data-loaded="true"]', { timeout: 30_000 });
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok((overflow as number) <= 1, `the page is ${overflow}px wider than the phone`);
    await page.screenshot({ path: 'artifacts/board-phone.png', fullPage: true });
    await page.close();
  });

  test('the same figures over HTTP and MCP (operations_summary)', async () => {
    const res = await fetch(`${base}/api/v1/reports/operations?from=2026-01-29&to=2026-02-12`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 200);
    const report = (await res.json()) as {
      days: unknown[];
      totals: { scheduledShifts: number; evvCompliance: number | null };
      now: { lateOrMissing: { shiftId: string }[] };
    };
    assert.equal(report.days.length, 15);
    assert.ok(report.totals.scheduledShifts > 0 && report.totals.evvCompliance !== null);
    assert.ok(report.now.lateOrMissing.some((x) => x.shiftId === lateShift));
    const bad = await fetch(`${base}/api/v1/reports/operations?from=2026-02-12&to=2026-01-01`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(bad.status, 400);

    const server = createMcpServer(s.app, { scope: 'read' });
    const [a, b] = InMemoryTransport.createLinkedPair();
    await server.connect(a);
    const client = newClient();
    await client.connect(b);
    const { data, text } = await call(client, 'operations_summary', { from: '2026-01-29', to: '2026-02-12' });
    assert.match(text, /EVV compliance \d+ %/);
    assert.deepEqual((data.report as { totals: unknown }).totals, report.totals);
    await client.close();
  });
});
