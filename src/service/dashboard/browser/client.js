// The dashboard's browser script. Plain ES2020, no framework, no build. Every piece of data reaches the
// page through textContent or attribute setters, never innerHTML, so nothing WellSky holds can inject markup.
(() => {
  const KEY = 'skybridge.apiKey';
  const NAME = 'skybridge.staffName';
  const meanings = JSON.parse(document.getElementById('capability-meanings').textContent);
  const $ = (id) => document.getElementById(id);

  /** el('li', {class: 'x'}, 'text', child…): an element with text children; never parses HTML. */
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** DOM append() writes null as the text "null": drop absent parts first. */
  const present = (...parts) => parts.filter((p) => p !== undefined && p !== null && p !== false);

  function ago(iso) {
    if (!iso) return 'never';
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 120) return s + ' s ago';
    if (s < 7200) return Math.round(s / 60) + ' min ago';
    if (s < 172800) return Math.round(s / 3600) + ' h ago';
    return Math.round(s / 86400) + ' days ago';
  }
  const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');

  /** The first array found: the body itself or one of its fields (tolerant of the list's wrapper). */
  function listOf(body, keys) {
    if (Array.isArray(body)) return body;
    for (const key of keys) if (body && Array.isArray(body[key])) return body[key];
    return [];
  }
  const itemOf = (body) => (body?.item ? body.item : body);

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function showWellSky(header) {
    if (!header) return;
    const banner = $('banner');
    banner.classList.toggle('show', header === 'simulated');
    $('which').textContent = header === 'simulated' ? 'simulated WellSky (demo)' : 'live WellSky';
  }

  async function api(method, path, body) {
    const headers = { authorization: 'Bearer ' + sessionStorage.getItem(KEY) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    showWellSky(res.headers.get('x-skybridge-wellsky'));
    const data = await res.json().catch(() => null);
    if (res.status === 401) {
      sessionStorage.removeItem(KEY);
      showLogin('That API key was not accepted (expired, revoked or mistyped). Enter it again.');
      throw new ApiError(401, 'not signed in');
    }
    if (!res.ok) {
      const message = data?.error?.message ? data.error.message : 'HTTP ' + res.status;
      throw new ApiError(res.status, res.status === 403 ? 'This key may not do that: ' + message : message);
    }
    return data;
  }

  function showLogin(message) {
    $('login').classList.remove('hidden');
    $('app').classList.add('hidden');
    $('login-error').textContent = message || '';
  }

  function staffName() {
    const name = $('staff-name').value.trim();
    if (name) sessionStorage.setItem(NAME, name);
    return name;
  }

  // ---- documentation queue ---------------------------------------------------------------------
  const STATE_TEXT = {
    held: 'not in WellSky — a person must act',
    failed: 'not in WellSky — refused permanently',
    pending: 'stored, not yet in WellSky — retried automatically',
    delivered: 'in WellSky',
  };

  function subjectLine(item) {
    const parts = [];
    if (item.clientId) parts.push('client ' + item.clientId);
    if (item.caregiverId) parts.push('caregiver ' + item.caregiverId);
    if (item.prospectId) parts.push('prospect ' + item.prospectId);
    return parts.join(' · ');
  }

  function resolveForm(item, done) {
    const comment = el('textarea', {
      name: 'comment',
      required: true,
      'aria-label': 'comment',
      placeholder: 'What you did or found',
    });
    const outcome = el(
      'select',
      { name: 'outcome', 'aria-label': 'outcome' },
      el('option', { value: 'entered-in-wellsky' }, 'I entered it in WellSky myself'),
      el('option', { value: 'dismissed' }, 'Dismiss: it does not need to be in WellSky'),
    );
    const wellskyId = el('input', {
      name: 'wellskyId',
      placeholder: 'WellSky id (optional)',
      'aria-label': 'WellSky id',
    });
    const error = el('div', { class: 'error', role: 'alert' });
    const form = el(
      'form',
      { class: 'resolve' },
      el('label', {}, 'Comment ', comment),
      el('label', {}, 'Outcome ', outcome),
      wellskyId,
      el(
        'div',
        { class: 'actions' },
        el('button', { type: 'submit', class: 'primary' }, 'Mark resolved'),
        el('button', { type: 'button', onclick: () => form.remove() }, 'Cancel'),
      ),
      error,
    );
    outcome.addEventListener('change', () =>
      wellskyId.classList.toggle('hidden', outcome.value !== 'entered-in-wellsky'),
    );
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const by = staffName();
      if (!by) {
        error.textContent = 'Enter your name at the top first: it is recorded with the resolution.';
        return;
      }
      if (!comment.value.trim()) {
        error.textContent = 'A comment is required.';
        return;
      }
      const body = { comment: comment.value.trim(), by, outcome: outcome.value };
      if (outcome.value === 'entered-in-wellsky' && wellskyId.value.trim())
        body.wellskyId = wellskyId.value.trim();
      try {
        done(
          itemOf(
            await api('POST', '/api/v1/documentation/' + encodeURIComponent(item.id) + '/resolve', body),
          ),
        );
      } catch (e) {
        error.textContent = e.message;
      }
    });
    return form;
  }

  function itemRow(item) {
    const li = el('li', { class: 'item ' + item.state, 'data-id': item.id, 'data-state': item.state });
    const status = el('div', { class: 'error', role: 'alert' });
    const refresh = (updated) => {
      li.replaceWith(itemRow(updated));
      loadQueue(false);
    };
    const actions = el('div', { class: 'actions' });
    if (item.state === 'held') {
      actions.append(
        el(
          'button',
          {
            type: 'button',
            title: 'After checking WellSky: send it again',
            onclick: async () => {
              const by = staffName();
              if (!by) {
                status.textContent =
                  'Enter your name at the top first: it is recorded as who checked WellSky.';
                return;
              }
              try {
                refresh(
                  itemOf(
                    await api('POST', '/api/v1/documentation/' + encodeURIComponent(item.id) + '/retry', {
                      by,
                    }),
                  ),
                );
              } catch (e) {
                status.textContent = e.message;
              }
            },
          },
          'Retry (I checked WellSky)',
        ),
      );
    }
    if (item.state !== 'delivered') {
      actions.append(
        el(
          'button',
          {
            type: 'button',
            onclick: () => {
              if (!li.querySelector('form')) li.append(resolveForm(item, refresh));
            },
          },
          'Mark resolved…',
        ),
      );
    }
    const visitHint =
      item.state !== 'delivered' && item.kind === 'client-note' && /visit/.test(item.holdCode || '')
        ? el(
            'p',
            { class: 'muted' },
            'Wrong or missing visit? WellSky’s API cannot attach it elsewhere: add it on the right visit in WellSky, then mark it resolved as entered in WellSky.',
          )
        : null;
    li.append(
      ...present(
        el(
          'div',
          { class: 'line' },
          el('span', { class: 'state ' + item.state }, item.state),
          el('strong', {}, item.kind),
          el('span', { class: 'muted' }, 'ref ' + item.reference),
          el('span', { class: 'muted' }, subjectLine(item)),
        ),
        el('div', { class: 'muted' }, STATE_TEXT[item.state] || ''),
        item.reason ? el('p', { class: 'reason' }, 'Reason: ', item.reason) : null,
        item.state === 'pending'
          ? el(
              'p',
              { class: 'reason' },
              'Next attempt ',
              when(item.nextAttemptAt),
              item.lastError ? ' · last error: ' + item.lastError : '',
            )
          : null,
        item.state === 'delivered'
          ? el(
              'p',
              { class: 'reason' },
              'WellSky id ',
              item.wellskyId || '—',
              item.visitId ? ' on visit ' + item.visitId : '',
              ' via ',
              item.route || '—',
            )
          : null,
        el('div', { class: 'muted' }, 'created ', when(item.createdAt), ' · ', item.attempts, ' attempt(s)'),
        visitHint,
        actions,
        status,
      ),
    );
    return li;
  }

  async function loadQueue(showBusy = true) {
    const list = $('queue-list');
    if (showBusy) $('queue-status').textContent = 'loading…';
    const state = $('queue-filter').value;
    try {
      const body = await api(
        'GET',
        '/api/v1/documentation?limit=100' + (state ? '&state=' + encodeURIComponent(state) : ''),
      );
      const items = listOf(body, ['items', 'documentation']);
      list.replaceChildren(...items.map(itemRow));
      const counts = {};
      for (const item of items) counts[item.state] = (counts[item.state] || 0) + 1;
      $('queue-status').textContent =
        items.length === 0
          ? 'Nothing here.'
          : Object.entries(counts)
              .map(([s, n]) => n + ' ' + s)
              .join(' · ');
    } catch (e) {
      if (e.status !== 401) $('queue-status').textContent = 'Could not load the queue: ' + e.message;
    }
  }

  // ---- capabilities, sync, call-outs -----------------------------------------------------------
  async function loadCapabilities() {
    try {
      const rows = listOf(await api('GET', '/api/v1/capabilities'), ['capabilities', 'rows', 'items']);
      $('cap-body').replaceChildren(
        ...rows.map((r) => {
          const status = r.status || 'error';
          return el(
            'tr',
            {},
            el('td', {}, r.capabilityId || r.capability || r.id),
            el('td', {}, el('span', { class: 'state ' + status }, status)),
            // The explanation is long; folded, the matrix stays readable in a side column and on a phone.
            el('td', { class: 'muted' }, el('details', {}, el('summary', {}, 'why'), r.explanation || '')),
          );
        }),
      );
      $('cap-status').textContent =
        rows.length === 0
          ? 'Not measured yet: it is measured when Skybridge starts.'
          : rows.length + ' capabilities, checked ' + ago(rows[0].checkedAt);
    } catch (e) {
      if (e.status !== 401) $('cap-status').textContent = 'Could not load: ' + e.message;
    }
  }

  async function loadSync() {
    try {
      const body = await api('GET', '/api/v1/sync');
      const runs = listOf(body, ['runs', 'items']);
      const last = (body && (body.lastSync || body.last)) || runs[0] || (body?.startedAt ? body : null);
      if (!last) return void $('sync-body').replaceChildren(el('p', {}, 'No sync has run yet.'));
      const counts = last.counts || {};
      $('sync-body').replaceChildren(
        ...present(
          el(
            'p',
            {},
            el(
              'span',
              { class: 'state ' + (last.status === 'ok' ? 'delivered' : 'held') },
              last.status || '?',
            ),
            ' ',
            last.kind || '',
            ' sync finished ',
            ago(last.finishedAt || last.startedAt),
            ' (',
            when(last.finishedAt || last.startedAt),
            ')',
          ),
          el(
            'table',
            {},
            el(
              'tbody',
              {},
              ...Object.entries(counts).map(([name, c]) =>
                el(
                  'tr',
                  {},
                  el('td', {}, name),
                  el('td', {}, (c.seen ?? 0) + ' seen'),
                  el(
                    'td',
                    { class: 'muted' },
                    '+' + (c.added ?? 0) + ' ~' + (c.changed ?? 0) + ' −' + (c.removed ?? 0),
                  ),
                ),
              ),
            ),
          ),
          last.errors?.length
            ? el('p', { class: 'error' }, last.errors.length + ' error(s): ', last.errors[0])
            : null,
        ),
      );
    } catch (e) {
      if (e.status !== 401)
        $('sync-body').replaceChildren(el('p', { class: 'error' }, 'Could not load: ' + e.message));
    }
  }

  const OPEN_TEXT = (state) =>
    ({
      opened: 'opened',
      'already-open': 'already open',
      'needs-person': 'a person must open it',
      failed: 'opening failed: a person must do it',
    })[state] || state;

  async function loadCallouts() {
    try {
      const rows = listOf(await api('GET', '/api/v1/callouts'), ['callouts', 'items']);
      $('callout-body').replaceChildren(
        rows.length === 0
          ? el('p', { class: 'muted' }, 'None yet.')
          : el(
              'ul',
              { class: 'items' },
              ...rows
                .slice(0, 20)
                .map((c) =>
                  el(
                    'li',
                    { class: 'item ' + (c.state || '') },
                    el(
                      'div',
                      { class: 'line' },
                      el('strong', {}, 'caregiver ' + (c.caregiverId || c.caregiver?.id || '?')),
                      el('span', { class: 'muted' }, when(c.reportedAt || c.createdAt || c.at)),
                      c.urgency
                        ? el(
                            'span',
                            { class: 'state ' + (c.urgency === 'urgent' ? 'failed' : 'pending') },
                            c.urgency,
                          )
                        : null,
                      c.state ? el('span', { class: 'state ' + c.state }, c.state) : null,
                    ),
                    c.shiftId || c.appointmentId
                      ? el(
                          'div',
                          { class: 'muted' },
                          'shift ' +
                            (c.shiftId || c.appointmentId) +
                            (c.shiftStartLocal ? ' at ' + when(c.shiftStart || c.shiftStartLocal) : '') +
                            (c.clientId ? ' · client ' + c.clientId : '') +
                            (c.shiftOpen ? ' · in WellSky: ' + OPEN_TEXT(c.shiftOpen) : '') +
                            (c.notification ? ' · staff: ' + c.notification : ''),
                        )
                      : null,
                  ),
                ),
            ),
      );
    } catch (e) {
      if (e.status === 404)
        $('callout-body').replaceChildren(
          el('p', { class: 'muted' }, 'None yet (call-out handling arrives with shift operations).'),
        );
      else if (e.status !== 401)
        $('callout-body').replaceChildren(el('p', { class: 'error' }, 'Could not load: ' + e.message));
    }
  }

  function loadAll() {
    return Promise.all([loadQueue(), loadCapabilities(), loadSync(), loadCallouts()]);
  }

  // ---- wiring -----------------------------------------------------------------------------------
  const legend = $('cap-legend');
  for (const [status, meaning] of Object.entries(meanings))
    legend.append(el('dt', {}, el('span', { class: 'state ' + status }, status)), el('dd', {}, meaning));
  $('staff-name').value = sessionStorage.getItem(NAME) || '';
  $('login-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (!key) {
      $('login-error').textContent = 'Paste the API key an administrator gave you.';
      return;
    }
    sessionStorage.setItem(KEY, key);
    $('api-key').value = '';
    $('login').classList.add('hidden');
    $('app').classList.remove('hidden');
    await loadAll();
  });
  $('sign-out').addEventListener('click', () => {
    sessionStorage.removeItem(KEY);
    showLogin('Signed out.');
  });
  $('reload').addEventListener('click', () => loadAll());
  $('queue-filter').addEventListener('change', () => loadQueue());
  if (sessionStorage.getItem(KEY)) {
    $('login').classList.add('hidden');
    $('app').classList.remove('hidden');
    loadAll();
  }
})();
