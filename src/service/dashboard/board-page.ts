/** The board's CSS: one column on a phone, a grid on a laptop; colour is never the only signal. */
export const BOARD_CSS = `
:root { --ink:#1d2430; --muted:#5b6475; --line:#d8dde6; --bg:#f5f7fa; --card:#fff; --warn:#9a5b00; --warn-bg:#fff4e0;
  --bad:#a4161a; --bad-bg:#fde8e8; --ok:#1e7a3c; --ok-bg:#e5f5ea; --info:#1f5fa8; --info-bg:#e6f0fb; }
* { box-sizing:border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.75rem 1rem; background:#20304a; color:#fff; }
header h1 { font-size:1.1rem; margin:0; flex:1 1 auto; }
header a, header span { color:#dfe6f2; }
header button { background:transparent; color:#fff; border:1px solid #ffffff80; }
main { display:grid; gap:1rem; padding:1rem; grid-template-columns:repeat(auto-fit,minmax(320px,1fr)); max-width:1500px; margin:0 auto; }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.75rem 1rem; min-width:0; }
section.wide { grid-column:1 / -1; }
h2 { font-size:1rem; margin:.1rem 0 .6rem; }
h3 { font-size:.95rem; margin:.8rem 0 .3rem; }
.muted { color:var(--muted); font-size:.9rem; }
.error { color:var(--bad); font-weight:600; }
button, input { font:inherit; min-height:36px; }
button { border:1px solid #8a94a6; background:#fff; border-radius:6px; padding:.35rem .7rem; cursor:pointer; }
button.primary { background:#20304a; color:#fff; border-color:#20304a; }
input { border:1px solid #8a94a6; border-radius:6px; padding:.35rem .5rem; max-width:100%; }
ul.shifts { list-style:none; margin:0; padding:0; display:grid; gap:.5rem; }
ul.shifts li { border:1px solid var(--line); border-left:5px solid var(--line); border-radius:6px; padding:.45rem .6rem; }
ul.shifts li.late { border-left-color:var(--bad); background:var(--bad-bg); }
ul.shifts li.warn { border-left-color:var(--warn); background:var(--warn-bg); }
ul.shifts li.open { border-left-color:var(--info); background:var(--info-bg); }
.tag { display:inline-block; font-size:.8rem; padding:0 .4rem; border-radius:4px; border:1px solid currentColor; margin-left:.3rem; }
.steps { margin:.25rem 0 0; padding-left:1.1rem; font-size:.88rem; color:var(--muted); }
.charts { display:grid; gap:1rem; grid-template-columns:repeat(auto-fit,minmax(300px,1fr)); }
.chart { position:relative; height:220px; }
table { border-collapse:collapse; width:100%; font-size:.9rem; }
th, td { text-align:left; border-bottom:1px solid var(--line); padding:.3rem .4rem; vertical-align:top; }
.figures { display:flex; flex-wrap:wrap; gap:.5rem 1.2rem; margin:.2rem 0 .6rem; }
.figures div { min-width:8rem; } .figures b { display:block; font-size:1.3rem; }
.hidden { display:none !important; }
@media (max-width:700px) { main { padding:.5rem; grid-template-columns:minmax(0,1fr); } .chart { height:200px; } }
`;

/**
 * The office board: today's work, call-outs and fills, and four weeks of figures in charts. It holds no
 * agency data: it asks for an API key (kept in sessionStorage, shared with /dashboard) and reads
 * `/api/v1/reports/operations`, refreshing every 30 seconds.
 */
export function boardHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Skybridge — office board</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/board.css">
</head>
<body>
<header>
  <h1>Skybridge · office board</h1>
  <span id="clock" aria-live="polite"></span>
  <a href="/dashboard">Notes and sync</a>
  <button type="button" id="reload">Refresh</button>
  <button type="button" id="sign-out">Sign out</button>
</header>
<section id="login">
  <h2>Sign in with an API key</h2>
  <form id="login-form">
    <label for="api-key">API key (read access is enough)</label>
    <input id="api-key" name="api-key" type="password" autocomplete="off" required>
    <button type="submit" class="primary">Open the board</button>
    <div id="login-error" class="error" role="alert"></div>
  </form>
</section>
<main id="board" class="hidden">
  <section class="wide" aria-labelledby="now-title">
    <h2 id="now-title">Now</h2>
    <p id="status" class="muted"></p>
    <div class="figures" id="now-figures"></div>
  </section>
  <section aria-labelledby="late-title"><h2 id="late-title">Late or no clock-in</h2><ul class="shifts" id="late"></ul></section>
  <section aria-labelledby="open-title"><h2 id="open-title">Open shifts and their fill</h2><ul class="shifts" id="open"></ul></section>
  <section aria-labelledby="progress-title"><h2 id="progress-title">In progress</h2><ul class="shifts" id="progress"></ul></section>
  <section aria-labelledby="soon-title"><h2 id="soon-title">Starting within 2 hours</h2><ul class="shifts" id="soon"></ul></section>
  <section aria-labelledby="unconfirmed-title"><h2 id="unconfirmed-title">Not confirmed for tomorrow</h2><ul class="shifts" id="unconfirmed"></ul></section>
  <section aria-labelledby="overtime-title"><h2 id="overtime-title">Overtime exposure this week (over 40 h scheduled)</h2><div id="overtime"></div></section>
  <section class="wide" aria-labelledby="callouts-title"><h2 id="callouts-title">Call-outs and fills</h2><div id="callouts"></div></section>
  <section class="wide" aria-labelledby="charts-title">
    <h2 id="charts-title">The last 4 weeks</h2>
    <div class="figures" id="totals"></div>
    <div class="charts">
      <figure><figcaption>EVV compliance (clocked in within grace ÷ scheduled)</figcaption><div class="chart"><canvas id="chart-evv" role="img" aria-label="EVV compliance per day"></canvas></div></figure>
      <figure><figcaption>Late and missed clock-ins</figcaption><div class="chart"><canvas id="chart-clockins" role="img" aria-label="Late and missed clock-ins per day"></canvas></div></figure>
      <figure><figcaption>Call-outs, fills and median minutes to fill</figcaption><div class="chart"><canvas id="chart-fills" role="img" aria-label="Call-outs and fills per day"></canvas></div></figure>
      <figure><figcaption>Confirmations requested and answered</figcaption><div class="chart"><canvas id="chart-confirm" role="img" aria-label="Confirmations per day"></canvas></div></figure>
      <figure><figcaption>Hours scheduled and worked</figcaption><div class="chart"><canvas id="chart-hours" role="img" aria-label="Hours scheduled and worked per day"></canvas></div></figure>
    </div>
  </section>
</main>
<script src="/dashboard/vendor/chart.umd.min.js"></script>
<script src="/dashboard/board.js"></script>
</body>
</html>
`;
}
