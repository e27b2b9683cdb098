/** The page's CSS: system fonts, no external assets; one column on a phone, two on a laptop. */
export const STYLES = `
:root { --ink:#1d2430; --muted:#5b6475; --line:#d8dde6; --bg:#f5f7fa; --card:#fff; --held:#9a5b00; --held-bg:#fff4e0;
  --failed:#a4161a; --failed-bg:#fde8e8; --pending:#1f5fa8; --pending-bg:#e6f0fb; --ok:#1e7a3c; --ok-bg:#e5f5ea; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); background:var(--bg); }
header { display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; padding:.75rem 1rem; background:#20304a; color:#fff; }
header h1 { font-size:1.1rem; margin:0; flex:1 1 auto; }
#which { color:#dfe6f2; }
header button { background:transparent; color:#fff; border:1px solid #ffffff80; }
#banner { display:none; padding:.6rem 1rem; background:#ffe08a; color:#3d2e00; font-weight:600; border-bottom:2px solid #c99a00; }
#banner.show { display:block; }
main { display:grid; gap:1rem; padding:1rem; grid-template-columns:minmax(0,2fr) minmax(0,1fr); max-width:1400px; margin:0 auto; }
@media (max-width: 800px) { main { grid-template-columns:minmax(0,1fr); padding:.5rem; }
  /* A phone: each capability is a card-like row, its explanation on a line of its own. */
  #cap-title ~ table thead { display:none; }
  #cap-body tr { display:grid; grid-template-columns:minmax(0,1fr) auto; border-bottom:1px solid var(--line); }
  #cap-body td { border:0; }
  #cap-body td:nth-child(3) { grid-column:1 / -1; padding-top:0; } }
section { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:.75rem 1rem; min-width:0; }
section h2 { font-size:1rem; margin:.1rem 0 .6rem; display:flex; gap:.5rem; align-items:center; flex-wrap:wrap; }
.queue { grid-row: span 3; }
.muted { color:var(--muted); font-size:.9rem; }
.error { color:var(--failed); font-weight:600; }
button, select, input, textarea { font:inherit; }
button { border:1px solid #8a94a6; background:#fff; border-radius:6px; padding:.35rem .7rem; cursor:pointer; min-height:36px; }
button.primary { background:#20304a; color:#fff; border-color:#20304a; }
input, select, textarea { border:1px solid #8a94a6; border-radius:6px; padding:.35rem .5rem; max-width:100%; min-height:36px; }
textarea { width:100%; min-height:4rem; }
ul.items { list-style:none; margin:0; padding:0; display:grid; gap:.6rem; }
li.item { border:1px solid var(--line); border-left:6px solid var(--line); border-radius:6px; padding:.55rem .7rem; }
li.item.held { border-left-color:var(--held); background:var(--held-bg); }
li.item.failed { border-left-color:var(--failed); background:var(--failed-bg); }
li.item.pending { border-left-color:var(--pending); }
li.item.delivered { border-left-color:var(--ok); }
.state { display:inline-block; font-weight:700; font-size:.8rem; letter-spacing:.04em; padding:.05rem .45rem; border-radius:4px; text-transform:uppercase; }
.state.held { color:var(--held); background:#ffe3b3; } .state.failed { color:var(--failed); background:#f9caca; }
.state.pending { color:var(--pending); background:var(--pending-bg); } .state.delivered { color:var(--ok); background:var(--ok-bg); }
.state.available { color:var(--ok); background:var(--ok-bg); } .state.refused { color:var(--held); background:#ffe3b3; }
.state.no-such-route { color:#444; background:#e4e4e4; } .state.error { color:var(--failed); background:#f9caca; }
.line { display:flex; flex-wrap:wrap; gap:.25rem .6rem; align-items:baseline; }
.reason { margin:.3rem 0; overflow-wrap:anywhere; }
.actions { display:flex; flex-wrap:wrap; gap:.4rem; margin-top:.4rem; }
form.resolve { display:grid; gap:.4rem; margin-top:.5rem; padding:.5rem; border:1px dashed #8a94a6; border-radius:6px; background:#fff; }
table { border-collapse:collapse; width:100%; font-size:.9rem; table-layout:fixed; }
th:nth-child(1) { width:34%; } th:nth-child(2) { width:8.5rem; }
td, th { text-align:left; padding:.3rem .35rem; border-bottom:1px solid var(--line); vertical-align:top; overflow-wrap:anywhere; }
td .state { white-space:nowrap; }
dl.legend { display:grid; grid-template-columns:auto 1fr; gap:.2rem .6rem; font-size:.85rem; margin:.6rem 0 0; }
dl.legend dd { margin:0; }
#login { max-width:28rem; margin:3rem auto; }
#login form { display:grid; gap:.6rem; }
.hidden { display:none !important; }
.toolbar { display:flex; flex-wrap:wrap; gap:.5rem; align-items:center; margin-bottom:.6rem; }
`;
