import { readFileSync } from 'node:fs';
import { CAPABILITY_MEANINGS } from '../mcp/tools-capabilities.ts';
import { STYLES } from './styles.ts';

/**
 * The page's script and styles, served as files of their own (`/dashboard/app.js`, `/dashboard/app.css`):
 * the Content-Security-Policy allows scripts and styles from this origin only, never inline ones, so
 * injected markup could not run code even if some text ever slipped past textContent.
 */
export const DASHBOARD_ASSETS = {
  '/dashboard/app.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('./browser/client.js', import.meta.url), 'utf8'),
  },
  '/dashboard/app.css': { type: 'text/css; charset=utf-8', body: STYLES },
} as const;

/** JSON inside a <script> element: `<` escaped so no value can close the element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/**
 * The staff dashboard: one page, its script and styles served beside it (no CDN). It holds no agency data:
 * it asks for an API key (kept in sessionStorage, gone when the tab closes) and reads everything from
 * `/api/v1` with it.
 */
export function dashboardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Skybridge — office dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/app.css">
</head>
<body>
<div id="banner" role="status">SIMULATED WellSky — a demo agency with synthetic people. Nothing here is real agency data, and nothing done here reaches the real WellSky.</div>
<header>
  <h1>Skybridge · office dashboard</h1>
  <span id="which" class="muted"></span>
  <button type="button" id="reload">Refresh</button>
  <button type="button" id="sign-out">Sign out</button>
</header>
<section id="login">
  <h2>Sign in with an API key</h2>
  <form id="login-form">
    <label for="api-key">API key (an administrator creates one with <code>skybridge keys create</code>)</label>
    <input id="api-key" name="api-key" type="password" autocomplete="off" required>
    <button type="submit" class="primary">Open the dashboard</button>
    <div id="login-error" class="error" role="alert"></div>
    <p class="muted">The key stays in this browser tab only and is forgotten when the tab closes.</p>
  </form>
</section>
<main id="app" class="hidden">
  <section class="queue" aria-labelledby="queue-title">
    <h2 id="queue-title">Notes, call-outs and office tasks</h2>
    <div class="toolbar">
      <label>Your name <input id="staff-name" autocomplete="name" placeholder="recorded with each action"></label>
      <label>Show <select id="queue-filter">
        <option value="">all (held and failed first)</option>
        <option value="held">held</option><option value="failed">failed</option>
        <option value="pending">pending</option><option value="delivered">delivered</option>
      </select></label>
    </div>
    <p id="queue-status" class="muted"></p>
    <ul id="queue-list" class="items"></ul>
  </section>
  <section aria-labelledby="sync-title">
    <h2 id="sync-title">Sync with WellSky</h2>
    <div id="sync-body" class="muted">loading…</div>
  </section>
  <section aria-labelledby="cap-title">
    <h2 id="cap-title">What these WellSky credentials may do</h2>
    <p id="cap-status" class="muted"></p>
    <table><thead><tr><th>capability</th><th>status</th><th>why</th></tr></thead><tbody id="cap-body"></tbody></table>
    <dl id="cap-legend" class="legend"></dl>
  </section>
  <section aria-labelledby="callout-title">
    <h2 id="callout-title">Recent call-outs</h2>
    <div id="callout-body" class="muted">loading…</div>
  </section>
</main>
<script type="application/json" id="capability-meanings">${scriptJson(CAPABILITY_MEANINGS)}</script>
<script src="/dashboard/app.js"></script>
</body>
</html>
`;
}
