// The office board's browser script. Plain JavaScript, no build; the data it reads is the
// OperationsReport of src/operations/watch/report-schema.ts (the same schema /openapi.json documents).
/** @typedef {import('../../operations/watch/report-schema.ts').OperationsReport} OperationsReport */
/** @typedef {import('../../operations/watch/report-schema.ts').BoardShift} BoardShift */
(() => {
  const KEY = 'skybridge.apiKey';
  const REFRESH_MS = 30_000;
  const $ = (id) => document.getElementById(id);
  const charts = new Map();
  let timer;

  /** Text only: values never become markup. */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children)
      if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }

  // Times arrive as the agency's local ISO times: show their wall clock as is, never the browser's zone.
  const hhmm = (iso) => (iso ? iso.slice(11, 16) : '');
  const day = (iso) => (iso ? iso.slice(0, 10) : '');
  const pct = (v) => (v === null || v === undefined ? 'n/a' : `${Math.round(v * 100)} %`);
  const name = (p) => (p ? p.name || `#${p.id}` : 'nobody');

  const RULE_WORDS = {
    'clock-in-text': 'Clock-in reminder text',
    'clock-in-escalation': 'Escalated to the office',
    'clock-out-reminder': 'Clock-out reminder text',
    'confirmation-request': 'Confirmation request',
    'running-late': 'Caregiver said running late',
    'late-note': 'Late note for the client record',
    'late-client-notice': 'Family contact told',
    'confirmation-answer': 'Answered: cannot work',
  };

  /** @param {BoardShift} s */
  function shiftItem(s, kind) {
    const when = `${s.date} ${s.startTime}–${s.endTime}`;
    const li = el('li', { class: kind, 'data-shift': s.shiftId });
    li.append(el('div', {}, el('b', {}, when), ` · ${name(s.client)} · caregiver ${name(s.caregiver)}`));
    const facts = [];
    if (s.late) facts.push(`running ${s.late.minutes} min late, expected ${hhmm(s.late.expected)}`);
    if (s.clockIn) facts.push(`clocked in ${hhmm(s.clockIn)}`);
    if (s.fill)
      facts.push(
        `fill: ${s.fill.state}, ${s.fill.wavesSent} wave(s)${s.fill.winner ? `, taken by #${s.fill.winner}` : ''}`,
      );
    if (s.confirmation) facts.push(`confirmation: ${s.confirmation}`);
    if (facts.length) li.append(el('div', { class: 'muted' }, facts.join(' · ')));
    if (s.watch.length) {
      const steps = el('ul', { class: 'steps' });
      for (const w of s.watch)
        steps.append(
          el(
            'li',
            {},
            `${hhmm(w.at)} ${RULE_WORDS[w.rule] || w.rule}: ${w.state}${w.outcome ? ` — ${w.outcome}` : ''}`,
          ),
        );
      li.append(steps);
    }
    return li;
  }

  function list(id, shifts, kind, empty) {
    const ul = $(id);
    ul.replaceChildren(
      ...(shifts.length ? shifts.map((s) => shiftItem(s, kind)) : [el('li', { class: 'muted' }, empty)]),
    );
  }

  function figures(id, pairs) {
    $(id).replaceChildren(...pairs.map(([label, value]) => el('div', {}, el('b', {}, value), label)));
  }

  function chart(id, config) {
    const old = charts.get(id);
    if (old) old.destroy();
    const c = new window.Chart($(id), {
      ...config,
      options: { responsive: true, maintainAspectRatio: false, animation: false, ...config.options },
    });
    charts.set(id, c);
  }

  /** @param {OperationsReport} r */
  function render(r) {
    $('clock').textContent = `Agency time ${r.generatedAt.slice(0, 16).replace('T', ' ')} (${r.timezone})`;
    const n = r.now;
    figures('now-figures', [
      ['late or no clock-in', n.lateOrMissing.length],
      ['open shifts', n.open.length],
      ['in progress', n.inProgress.length],
      ['starting within 2 h', n.startingSoon.length],
      ['unconfirmed for tomorrow', n.unconfirmedTomorrow.length],
    ]);
    list('late', n.lateOrMissing, 'late', 'Everyone due has clocked in.');
    list('open', n.open, 'open', 'No open shifts in the next two days.');
    list('progress', n.inProgress, '', 'Nobody is clocked in right now.');
    list('soon', n.startingSoon, '', 'No shifts start in the next two hours.');
    list(
      'unconfirmed',
      n.unconfirmedTomorrow,
      'warn',
      'Every listed shift for tomorrow is confirmed (or none was asked yet).',
    );
    const ot = r.overtime.caregivers;
    $('overtime').replaceChildren(
      ot.length
        ? el(
            'table',
            {},
            el('thead', {}, el('tr', {}, el('th', {}, 'Caregiver'), el('th', {}, 'Hours scheduled'))),
            el(
              'tbody',
              {},
              ...ot.map((c) => el('tr', {}, el('td', {}, name(c)), el('td', {}, c.scheduledHours))),
            ),
          )
        : el(
            'p',
            { class: 'muted' },
            `Nobody is above ${r.overtime.thresholdHours} h in the week from ${r.overtime.weekStart}.`,
          ),
    );
    $('callouts').replaceChildren(
      r.callOuts.length
        ? el(
            'table',
            {},
            el(
              'thead',
              {},
              el(
                'tr',
                {},
                ...['Reported', 'Caregiver', 'Client', 'Shift', 'Fill', 'Time to fill'].map((h) =>
                  el('th', {}, h),
                ),
              ),
            ),
            el(
              'tbody',
              {},
              ...r.callOuts.map((c) =>
                el(
                  'tr',
                  {},
                  el('td', {}, `${day(c.reportedAt)} ${hhmm(c.reportedAt)}`),
                  el('td', {}, name(c.caregiver)),
                  el('td', {}, name(c.client)),
                  el('td', {}, `${day(c.shiftStart)} ${hhmm(c.shiftStart)}`),
                  el('td', {}, c.fill || 'no fill campaign'),
                  el('td', {}, c.minutesToFill === null ? '—' : `${c.minutesToFill} min`),
                ),
              ),
            ),
          )
        : el('p', { class: 'muted' }, 'No call-outs in this period.'),
    );
    const t = r.totals;
    figures('totals', [
      ['EVV compliance', pct(t.evvCompliance)],
      ['late clock-ins', t.lateClockIns],
      ['missed clock-ins', t.missedClockIns],
      ['call-outs', t.callOuts],
      ['fill rate', pct(t.fillRate)],
      ['median time to fill', t.medianMinutesToFill === null ? 'n/a' : `${t.medianMinutesToFill} min`],
      ['confirmations answered', `${t.confirmationsAnswered}/${t.confirmationsRequested}`],
      ['hours worked / scheduled', `${t.hoursWorked} / ${t.hoursScheduled}`],
    ]);
    const labels = r.days.map((d) => d.date.slice(5));
    const series = (k) => r.days.map((d) => d[k]);
    chart('chart-evv', {
      type: 'line',
      data: {
        labels,
        datasets: [
          {
            label: 'EVV compliance %',
            data: r.days.map((d) => (d.evvCompliance === null ? null : Math.round(d.evvCompliance * 100))),
            borderColor: '#1e7a3c',
          },
        ],
      },
      options: { scales: { y: { min: 0, max: 100 } } },
    });
    chart('chart-clockins', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'late', data: series('lateClockIns'), backgroundColor: '#d08c00' },
          { label: 'missed', data: series('missedClockIns'), backgroundColor: '#a4161a' },
        ],
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
    });
    chart('chart-fills', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'call-outs', data: series('callOuts'), backgroundColor: '#a4161a' },
          { label: 'fills filled', data: series('fillsFilled'), backgroundColor: '#1e7a3c' },
          {
            label: 'median minutes to fill',
            data: series('medianMinutesToFill'),
            type: 'line',
            yAxisID: 'minutes',
            borderColor: '#1f5fa8',
          },
        ],
      },
      options: { scales: { y: { beginAtZero: true }, minutes: { position: 'right', beginAtZero: true } } },
    });
    chart('chart-confirm', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'requested', data: series('confirmationsRequested'), backgroundColor: '#8a94a6' },
          { label: 'answered', data: series('confirmationsAnswered'), backgroundColor: '#1f5fa8' },
        ],
      },
      options: { scales: { y: { beginAtZero: true } } },
    });
    chart('chart-hours', {
      type: 'bar',
      data: {
        labels,
        datasets: [
          { label: 'scheduled', data: series('hoursScheduled'), backgroundColor: '#8a94a6' },
          { label: 'worked', data: series('hoursWorked'), backgroundColor: '#1e7a3c' },
        ],
      },
      options: { scales: { y: { beginAtZero: true } } },
    });
    $('status').textContent =
      `Updated ${new Date().toLocaleTimeString()} (browser time); figures in agency time. Refreshes every 30 seconds.`;
    document.body.dataset.loaded = 'true';
  }

  async function load() {
    clearTimeout(timer);
    try {
      const res = await fetch('/api/v1/reports/operations', {
        headers: { authorization: `Bearer ${sessionStorage.getItem(KEY)}` },
      });
      if (res.status === 401 || res.status === 403) {
        sessionStorage.removeItem(KEY);
        show(false, 'That key was not accepted (or may not read). Sign in again.');
        return;
      }
      if (!res.ok) throw new Error(`the service answered ${res.status}`);
      render(await res.json());
    } catch (error) {
      $('status').textContent = `Could not refresh: ${error.message}. Showing the last figures; retrying.`;
    }
    timer = setTimeout(load, REFRESH_MS);
  }

  function show(signedIn, message) {
    $('login').classList.toggle('hidden', signedIn);
    $('board').classList.toggle('hidden', !signedIn);
    $('login-error').textContent = message || '';
    if (signedIn) void load();
  }

  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('api-key').value.trim());
    $('api-key').value = '';
    show(true);
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    clearTimeout(timer);
    show(false);
  });
  $('reload').addEventListener('click', () => void load());
  show(Boolean(sessionStorage.getItem(KEY)));
})();
