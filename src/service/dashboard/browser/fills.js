// The fills page's browser script. Plain ES2020, no framework. Data reaches the page only through
// textContent and attribute setters, never innerHTML.
(() => {
  const KEY = 'skybridge.apiKey';
  const $ = (id) => document.getElementById(id);
  let simulated = false;
  let phone = '';

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  async function api(method, path, body) {
    const headers = { authorization: 'Bearer ' + sessionStorage.getItem(KEY) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    simulated = res.headers.get('x-skybridge-wellsky') === 'simulated';
    $('banner').classList.toggle('show', simulated);
    const data = await res.json().catch(() => null);
    if (res.status === 401) {
      sessionStorage.removeItem(KEY);
      showLogin('That API key was not accepted.');
      throw new Error('not signed in');
    }
    if (!res.ok) throw new Error(data?.error?.message || 'HTTP ' + res.status);
    return data;
  }

  function showLogin(message) {
    $('login').classList.remove('hidden');
    $('app').classList.add('hidden');
    $('login-error').textContent = message || '';
  }

  function offerRow(o) {
    return el(
      'tr',
      {},
      el('td', {}, 'wave ' + o.wave + ' #' + o.rank),
      el('td', {}, o.caregiverId),
      el('td', {}, o.state + (o.saidYes ? ' (said YES)' : '')),
      el('td', {}, o.stateReason || ''),
    );
  }

  function campaignItem(c) {
    const when =
      c.shift.date +
      ' ' +
      c.shift.startTime +
      '–' +
      c.shift.endTime +
      (c.shift.area ? ' · ' + c.shift.area : '');
    const counts = c.counts;
    const live = c.state === 'open' || c.state === 'escalated';
    return el(
      'li',
      { class: 'fill ' + c.state },
      el('div', {}, el('span', { class: 'state' }, c.state), ' shift ', c.shift.id, ' · ', when),
      el(
        'div',
        { class: 'muted' },
        counts.offers +
          ' offered, ' +
          counts.sent +
          ' texted, ' +
          counts.replies +
          ' replied, ' +
          counts.pending +
          ' waiting',
        c.winnerCaregiverId ? ' · caregiver ' + c.winnerCaregiverId : '',
        c.timeToFillSeconds !== null ? ' · filled in ' + Math.round(c.timeToFillSeconds / 60) + ' min' : '',
      ),
      c.stateReason ? el('div', {}, c.stateReason) : null,
      live && c.nextWaveAt
        ? el(
            'div',
            { class: 'muted' },
            'next wave ' +
              new Date(c.nextWaveAt).toLocaleTimeString() +
              '; a person is called ' +
              new Date(c.escalateAt).toLocaleString(),
          )
        : null,
      el(
        'details',
        {},
        el('summary', {}, 'offers'),
        el('table', {}, el('tbody', {}, c.offers.map(offerRow))),
      ),
      live ? el('button', { type: 'button', onclick: () => cancel(c.id) }, 'Cancel this campaign') : null,
    );
  }

  async function cancel(id) {
    if (!confirm('Stop texting about this shift?')) return;
    await api('POST', '/api/v1/fills/' + id + '/cancel', {}).catch((e) => alert(e.message));
    await refresh();
  }

  async function refreshFills() {
    const data = await api('GET', '/api/v1/fills?limit=30');
    const m = data.metrics;
    $('metrics').textContent =
      'Fill rate ' +
      (m.fillRate === null ? '—' : Math.round(m.fillRate * 100) + ' %') +
      ' · median time to fill ' +
      (m.timeToFillSeconds.median === null ? '—' : Math.round(m.timeToFillSeconds.median / 60) + ' min') +
      ' · ' +
      m.offersSent +
      ' offers texted, ' +
      m.replies +
      ' replies';
    $('fills').replaceChildren(
      ...(data.items.length
        ? data.items.map(campaignItem)
        : [el('li', { class: 'muted' }, 'No fill campaigns yet.')]),
    );
  }

  async function refreshPhone() {
    $('phone-section').classList.toggle('hidden', !simulated);
    if (!simulated) return;
    const texted = await api('GET', '/api/v1/messages?direction=outbound&limit=200');
    const phones = new Map();
    for (const m of texted.messages)
      if (m.purpose === 'fill-offer')
        phones.set(m.phone, m.phoneDisplay + ' (caregiver ' + (m.refs.caregiverId || '?') + ')');
    const select = $('phone-select');
    const current = phone || select.value;
    select.replaceChildren(
      ...[...phones].map(([p, label]) => el('option', { value: p, selected: p === current }, label)),
    );
    phone = select.value;
    if (!phone) {
      $('phone-thread').replaceChildren(
        el('p', { class: 'muted' }, 'Start a fill: the caregivers it texts appear here.'),
      );
      return;
    }
    const thread = await api('GET', '/api/v1/messages?limit=50&phone=' + encodeURIComponent(phone));
    $('phone-thread').replaceChildren(
      ...thread.messages
        .reverse()
        .map((m) => el('div', { class: 'bubble ' + (m.direction === 'inbound' ? 'in' : 'out') }, m.body)),
    );
  }

  async function refresh() {
    try {
      await refreshFills();
      await refreshPhone();
    } catch (e) {
      $('start-status').textContent = e.message;
    }
  }

  function start() {
    $('login').classList.add('hidden');
    $('app').classList.remove('hidden');
    refresh();
    setInterval(refresh, 5000);
  }

  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, $('api-key').value.trim());
    start();
  });
  $('start-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('start-status').textContent = 'starting…';
    try {
      const c = await api(
        'POST',
        '/api/v1/shifts/' + encodeURIComponent($('start-shift').value.trim()) + '/fill',
        { date: $('start-date').value },
      );
      $('start-status').textContent = 'Campaign ' + c.state + ': ' + c.counts.offers + ' offered.';
    } catch (e) {
      $('start-status').textContent = e.message;
    }
    await refresh();
  });
  $('phone-select').addEventListener('change', () => {
    phone = $('phone-select').value;
    refreshPhone();
  });
  $('phone-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    $('phone-error').textContent = '';
    try {
      await api('POST', '/api/v1/messages/inbound', { from: phone, text: $('phone-text').value });
      $('phone-text').value = '';
    } catch (e) {
      $('phone-error').textContent = e.message;
    }
    await refresh();
  });

  if (sessionStorage.getItem(KEY)) start();
  else showLogin();
})();
