import { readFileSync } from 'node:fs';
import type { FastifyReply } from 'fastify';
import type { ServiceExtension } from '../extensions.ts';

/** Read once at start; plain JavaScript, nothing to build. */
const SCRIPT = readFileSync(new URL('./browser/fills.js', import.meta.url), 'utf8');

const CSS = `
:root { --ink:#1d2430; --muted:#5b6475; --line:#d8dde6; --bg:#f5f7fa; --ok:#1e7a3c; --warn:#9a5b00; --bad:#a4161a; --info:#1f5fa8; }
* { box-sizing:border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.75rem 1rem; background:#20304a; color:#fff; }
header h1 { font-size:1.1rem; margin:0; flex:1 1 auto; } header a { color:#fff; }
#banner { display:none; padding:.6rem 1rem; background:#ffe08a; font-weight:600; } #banner.show { display:block; }
main { display:grid; gap:1rem; padding:1rem; grid-template-columns:minmax(0,2fr) minmax(0,1fr); max-width:1400px; margin:0 auto; }
@media (max-width:800px) { main { grid-template-columns:minmax(0,1fr); padding:.5rem; } }
section { background:#fff; border:1px solid var(--line); border-radius:8px; padding:.75rem 1rem; min-width:0; }
h2 { font-size:1rem; margin:.1rem 0 .6rem; }
.muted { color:var(--muted); font-size:.9rem; } .error { color:var(--bad); font-weight:600; }
ul.list { list-style:none; margin:0; padding:0; display:grid; gap:.6rem; }
li.fill { border:1px solid var(--line); border-left:6px solid var(--info); border-radius:6px; padding:.55rem .7rem; }
li.fill.filled { border-left-color:var(--ok); } li.fill.escalated, li.fill.accepted-unassigned { border-left-color:var(--bad); }
li.fill.cancelled, li.fill.expired { border-left-color:var(--line); }
.state { display:inline-block; font-weight:700; font-size:.8rem; padding:.05rem .45rem; border-radius:4px; text-transform:uppercase; background:#e6f0fb; }
table { border-collapse:collapse; width:100%; font-size:.85rem; } td, th { text-align:left; padding:.2rem .3rem; border-bottom:1px solid var(--line); }
button, input, select { font:inherit; min-height:36px; border:1px solid #8a94a6; border-radius:6px; padding:.3rem .6rem; background:#fff; }
button.primary { background:#20304a; color:#fff; }
form { display:flex; flex-wrap:wrap; gap:.4rem; align-items:center; margin-bottom:.6rem; }
.phone { display:grid; gap:.4rem; }
.bubble { max-width:85%; padding:.35rem .6rem; border-radius:12px; background:#e9edf3; white-space:pre-wrap; }
.bubble.in { justify-self:end; background:#d5f0dc; }
#login { max-width:28rem; margin:2rem auto; }
.hidden { display:none !important; }
`;

function page(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Skybridge — open shifts and fills</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/fills.css">
</head>
<body>
<div id="banner" role="status">SIMULATED WellSky and simulated texts — a demo agency; nothing here reaches real people.</div>
<header><h1>Open shifts and fills</h1><a href="/dashboard">Dashboard</a><a href="/dashboard/board">Office board</a></header>
<section id="login" class="hidden">
  <h2>Sign in with an API key</h2>
  <form id="login-form"><input id="api-key" type="password" autocomplete="off" required aria-label="API key"><button class="primary" type="submit">Open</button></form>
  <div id="login-error" class="error" role="alert"></div>
</section>
<main id="app" class="hidden">
  <section aria-labelledby="fills-title">
    <h2 id="fills-title">Fill campaigns</h2>
    <form id="start-form">
      <label>Shift id <input id="start-shift" inputmode="numeric" required size="8"></label>
      <label>Day <input id="start-date" type="date" required></label>
      <button class="primary" type="submit">Fill this shift</button>
      <span id="start-status" class="muted" role="status"></span>
    </form>
    <p id="metrics" class="muted"></p>
    <ul id="fills" class="list"></ul>
  </section>
  <section id="phone-section" class="hidden" aria-labelledby="phone-title">
    <h2 id="phone-title">Phone (demo): answer as a caregiver</h2>
    <form id="phone-pick"><label>Caregiver texted <select id="phone-select"></select></label></form>
    <div id="phone-thread" class="phone" aria-live="polite"></div>
    <form id="phone-form"><input id="phone-text" placeholder="YES, NO, 1, sí…" required aria-label="Reply"><button class="primary" type="submit">Send</button></form>
    <div id="phone-error" class="error" role="alert"></div>
  </section>
</main>
<script src="/dashboard/fills.js"></script>
</body>
</html>
`;
}

/**
 * `GET /dashboard/fills`: every fill campaign with its offers and replies, refreshed live, a form to fill a
 * shift, and — against the simulated WellSky — a phone to answer as any caregiver who was texted. Holds
 * no data: it asks for an API key and reads `/api/v1`. Script and styles are files (no inline code).
 */
export const fillsDashboardExtension: ServiceExtension = {
  name: 'fills-dashboard',
  register(server) {
    const html = page();
    const send = (type: string, body: string) => async (_request: unknown, reply: FastifyReply) =>
      reply.type(type).header('cache-control', 'no-cache').send(body);
    server.get('/dashboard/fills', send('text/html; charset=utf-8', html));
    server.get('/dashboard/fills.js', send('text/javascript; charset=utf-8', SCRIPT));
    server.get('/dashboard/fills.css', send('text/css; charset=utf-8', CSS));
  },
};
