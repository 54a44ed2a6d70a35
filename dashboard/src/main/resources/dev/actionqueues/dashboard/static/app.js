'use strict';
// The actionqueues dashboard: a single page over the JSON API under ./api/. Every value from the
// server is written with textContent or as an attribute, never parsed as HTML.
(function () {
  let session = null;
  let group = null;
  const main = () => document.getElementById('main');

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = String(v);
      else if (k.startsWith('on')) e.addEventListener(k.substring(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  async function api(path, options) {
    const init = Object.assign({ headers: {} }, options || {});
    if (init.method === 'POST') {
      init.headers['X-CSRF-Token'] = session.csrf;
      init.headers['Content-Type'] = 'application/json';
    }
    const res = await fetch('api/' + path, init);
    let body = null;
    try { body = await res.json(); } catch (e) { body = null; }
    if (!res.ok) throw new Error((body && body.error) || ('HTTP ' + res.status));
    return body;
  }

  function post(path, body) {
    return api(path, { method: 'POST', body: JSON.stringify(body || {}) });
  }

  function enc(s) { return encodeURIComponent(s); }
  function gpath(rest) { return 'groups/' + enc(group) + '/' + rest; }

  function flash(text, bad) {
    const f = document.getElementById('flash');
    f.textContent = text;
    f.className = bad ? 'bad' : '';
    f.hidden = false;
  }

  function clearFlash() { document.getElementById('flash').hidden = true; }

  function age(ms) {
    if (ms === null || ms === undefined) return '–';
    const s = Math.floor(ms / 1000);
    if (s < 60) return s + ' s';
    if (s < 3600) return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
    return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
  }

  function when(t) { return t ? new Date(t).toLocaleString() : '–'; }

  function parseHash() {
    const h = location.hash.replace(/^#\/?/, '');
    const q = h.indexOf('?');
    const route = (q < 0 ? h : h.substring(0, q)).split('/').map(decodeURIComponent);
    const params = new URLSearchParams(q < 0 ? '' : h.substring(q + 1));
    return { route, params };
  }

  function go(route, params) {
    const qs = params ? new URLSearchParams(params).toString() : '';
    location.hash = '#/' + route.map(enc).join('/') + (qs ? '?' + qs : '');
  }

  function actionButton(label, cls, testid, work) {
    const b = el('button', { class: cls, 'data-testid': testid, text: label });
    b.addEventListener('click', async () => {
      b.disabled = true;
      try {
        const msg = await work();
        if (msg) flash(msg);
      } catch (e) {
        flash(e.message, true);
      } finally {
        b.disabled = false;
      }
    });
    return b;
  }

  function canAct() { return session && session.canAct; }

  // ---- overview ----
  async function overview() {
    const data = await api('overview');
    const root = el('div', {}, el('h2', { text: 'Overview' }));
    for (const g of data) {
      const link = (label, n, cls, href, testid) => el('a', { href, class: 'card ' + cls, 'data-testid': testid },
          el('div', { class: 'n', text: n }), el('div', { class: 'l', text: label }));
      root.append(el('h3', { text: 'Group ' + g.group }));
      root.append(el('div', { class: 'cards', 'data-group': g.group },
          link('waiting', g.waiting, '', '#/jobs?state=waiting', 'depth-waiting'),
          link('delayed', g.delayed, '', '#/jobs?state=delayed', 'depth-delayed'),
          link('in flight', g.inFlight, '', '#/jobs?state=in_flight', 'depth-in-flight'),
          link('failed (error queue)', g.errors, 'errors', '#/errors', 'depth-errors'),
          el('div', { class: 'card', 'data-testid': 'oldest' }, el('div', { class: 'n', text: age(g.oldestWaitingMs) }),
              el('div', { class: 'l', text: 'oldest waiting job' }))));
      const panel = el('div', { class: 'panel' }, el('strong', { text: 'Jobs per minute, last hour' }));
      if (g.throughput) {
        panel.append(chart(g.throughput), el('div', { class: 'legend' },
            el('span', { class: 'sw run' }), 'run', el('span', { class: 'sw failed' }), 'failed',
            '  · total run ' + g.throughput.run.reduce((a, b) => a + b, 0) + ', failed '
            + g.throughput.failed.reduce((a, b) => a + b, 0)));
      } else {
        panel.append(el('p', { class: 'muted', text: 'Not recorded by this process (no worker of this group runs here).' }));
      }
      root.append(panel);
      const workers = el('div', { class: 'panel' }, el('strong', { text: 'Workers seen (last 10 s)' }));
      if (g.workers.length) {
        const table = el('table', { 'data-testid': 'workers-table' }, el('tr', {}, ...['Worker', 'Host', 'Concurrency',
            'In flight', 'Started', 'Last seen'].map((h) => el('th', { text: h }))));
        for (const w of g.workers) {
          table.append(el('tr', { 'data-testid': 'worker-row' }, el('td', { class: 'mono', text: w.name }),
              el('td', { text: w.host }), el('td', { text: w.concurrency }), el('td', { text: w.inFlight }),
              el('td', { text: when(w.startedAt) }), el('td', { text: when(w.lastSeen) })));
        }
        workers.append(table);
      } else {
        workers.append(el('p', { class: 'muted', 'data-testid': 'no-workers', text: 'No worker has sent a heartbeat lately'
            + ' (SQS keeps no registry).' }));
      }
      root.append(workers);
    }
    root.append(el('p', { class: 'muted', text: 'Read at ' + (data.length ? when(data[0].at) : '–') }));
    return root;
  }

  function chart(t) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'chart');
    svg.setAttribute('viewBox', '0 0 600 120');
    svg.setAttribute('preserveAspectRatio', 'none');
    const max = Math.max(1, ...t.run, ...t.failed);
    t.run.forEach((v, i) => {
      for (const [cls, value, dx] of [['run', v, 0], ['failed', t.failed[i], 5]]) {
        const h = Math.round(110 * value / max);
        const r = document.createElementNS(ns, 'rect');
        r.setAttribute('class', cls);
        r.setAttribute('x', String(i * 10 + dx));
        r.setAttribute('y', String(115 - h));
        r.setAttribute('width', '4');
        r.setAttribute('height', String(h));
        svg.append(r);
      }
    });
    return svg;
  }

  // ---- errors ----
  async function errors(params) {
    const filter = { task: params.get('task') || '', errorClass: params.get('errorClass') || '', text: params.get('text') || '' };
    const root = el('div', {}, el('h2', { text: 'Failed jobs' }));
    const input = (name, ph) => el('input', { name, placeholder: ph, value: filter[name], 'data-testid': 'filter-' + name });
    const form = el('form', { class: 'filters', 'data-testid': 'filters' }, input('task', 'task'),
        input('errorClass', 'error class'), input('text', 'text in message or arguments'),
        el('button', { type: 'submit', class: 'primary', text: 'Filter', 'data-testid': 'filter-apply' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const p = {};
      for (const k of ['task', 'errorClass', 'text']) if (form.elements[k].value.trim()) p[k] = form.elements[k].value.trim();
      go(['errors'], p);
    });
    root.append(form);
    const qs = new URLSearchParams(Object.entries(filter).filter(([, v]) => v)).toString();
    const suffix = qs ? '?' + qs : '';
    if (canAct()) {
      const matching = Object.values(filter).some((v) => v) ? 'matching the filter' : '(no filter: every failed job)';
      root.append(el('div', { class: 'toolbar' },
          actionButton('Replay all ' + matching + ' (up to ' + session.bulkCap + ')', 'primary', 'replay-matching', async () => {
            const r = await post(gpath('errors/replay-matching' + suffix));
            setTimeout(render, 0);
            return 'Replayed ' + r.done + ' job(s)' + (r.capped ? ' (cap of ' + r.cap + ' reached: run again for more)' : '');
          }),
          actionButton('Delete all ' + matching + ' (up to ' + session.bulkCap + ')', 'danger', 'delete-matching', async () => {
            const r = await post(gpath('errors/delete-matching' + suffix));
            setTimeout(render, 0);
            return 'Deleted ' + r.done + ' job(s)' + (r.capped ? ' (cap of ' + r.cap + ' reached)' : '');
          }),
          purgeControl()));
    }
    const table = el('table', { 'data-testid': 'errors-table' }, el('tr', {}, ...['Job', 'Task', 'Error', 'Message', 'Attempts', 'Failed at']
        .map((h) => el('th', { text: h }))));
    root.append(table);
    const more = el('button', { 'data-testid': 'more', text: 'Load more', hidden: true });
    root.append(el('p', {}, more));
    let cursor = null;
    async function load() {
      const page = await api(gpath('errors?' + new URLSearchParams(Object.assign({ limit: '25' },
          Object.fromEntries(Object.entries(filter).filter(([, v]) => v)), cursor ? { cursor } : {})).toString()));
      for (const e of page.errors) {
        const tr = el('tr', { class: 'row', 'data-testid': 'error-row', 'data-id': e.id },
            el('td', { class: 'mono', text: e.id }), el('td', { text: e.task || '(unreadable)' }),
            el('td', { text: e.type || '' }), el('td', { text: e.message || e.reason || '' }),
            el('td', { text: e.attempts === undefined ? '' : e.attempts }), el('td', { text: when(e.time) }));
        tr.addEventListener('click', () => go(['errors', e.id]));
        table.append(tr);
      }
      cursor = page.next;
      more.hidden = !cursor;
      if (table.rows.length === 1 && !cursor) table.append(el('tr', {}, el('td', { colspan: 6, class: 'muted', text: 'No failed jobs match.' })));
    }
    more.addEventListener('click', () => load().catch((e) => flash(e.message, true)));
    await load();
    return root;
  }

  function purgeControl() {
    const box = el('span', { class: 'confirm' });
    const start = el('button', { class: 'danger', 'data-testid': 'purge', text: 'Purge…' });
    start.addEventListener('click', () => {
      box.replaceChildren(el('span', { text: 'Type the group name (' + group + ') to delete every failed job:' }));
      const input = el('input', { 'data-testid': 'purge-confirm', placeholder: group });
      box.append(input, actionButton('Purge for good', 'danger', 'purge-go', async () => {
        const r = await post(gpath('errors/purge'), { confirm: input.value });
        setTimeout(render, 0);
        return 'Purged ' + r.purged + ' failed job(s)';
      }));
    });
    box.append(start);
    return box;
  }

  async function errorDetail(id) {
    const e = await api(gpath('errors/' + enc(id)));
    const root = el('div', {}, el('p', {}, el('a', { href: '#/errors', text: '← failed jobs' })),
        el('h2', { text: 'Failed job ' + e.id }));
    root.append(el('dl', { 'data-testid': 'error-detail' },
        el('dt', { text: 'task' }), el('dd', { text: e.task || '(unreadable payload)' }),
        el('dt', { text: 'error' }), el('dd', { text: (e.type || '') + (e.message ? ': ' + e.message : '') }),
        el('dt', { text: 'reason' }), el('dd', { text: e.reason || '' }),
        el('dt', { text: 'attempts' }), el('dd', { text: e.attempts === undefined ? '' : e.attempts }),
        el('dt', { text: 'host' }), el('dd', { text: e.host || '' }),
        el('dt', { text: 'failed at' }), el('dd', { text: when(e.time) })));
    root.append(el('h3', { text: 'Arguments' }), el('pre', { 'data-testid': 'arguments', text: e.arguments === null ? '' : e.arguments }));
    if (canAct()) {
      root.append(el('div', { class: 'toolbar' },
          actionButton('Replay', 'primary', 'replay', async () => { await post(gpath('errors/' + enc(id) + '/replay')); go(['errors']); return 'Replayed job ' + id; }),
          actionButton('Delete', 'danger', 'delete', async () => { await post(gpath('errors/' + enc(id) + '/delete')); go(['errors']); return 'Deleted job ' + id; })));
    }
    root.append(el('h3', { text: 'Stack trace' }), el('pre', { 'data-testid': 'stack', text: e.stackTrace || '' }));
    root.append(el('h3', { text: 'Stored payload' }), el('pre', { text: e.payload || '' }));
    return root;
  }

  // ---- jobs ----
  async function jobs(params) {
    const state = params.get('state') || 'waiting';
    const root = el('div', {}, el('h2', { text: 'Jobs' }));
    const tabs = el('div', { class: 'tabs' });
    for (const [s, label] of [['waiting', 'Waiting'], ['delayed', 'Delayed'], ['in_flight', 'In flight']]) {
      tabs.append(el('a', { href: '#/jobs?state=' + s, class: s === state ? 'active' : '', 'data-testid': 'tab-' + s, text: label }));
    }
    root.append(tabs);
    const table = el('table', { 'data-testid': 'jobs-table' }, el('tr', {}, ...['Job', 'Task', 'Arguments', 'Attempts',
        state === 'delayed' ? 'Due' : state === 'in_flight' ? 'Lease until' : 'Pushed'].map((h) => el('th', { text: h }))));
    root.append(table);
    const more = el('button', { 'data-testid': 'more', text: 'Load more', hidden: true });
    root.append(el('p', {}, more));
    let cursor = null;
    async function load() {
      const page = await api(gpath('jobs?' + new URLSearchParams(Object.assign({ state, limit: '25' }, cursor ? { cursor } : {})).toString()));
      for (const j of page.jobs) {
        const tr = el('tr', { class: 'row', 'data-testid': 'job-row', 'data-id': j.id },
            el('td', { class: 'mono', text: j.id }), el('td', { text: j.task || '(unreadable)' }),
            el('td', { class: 'mono', text: j.arguments || '' }), el('td', { text: j.attempts }),
            el('td', { text: when(state === 'delayed' ? j.dueAt : state === 'in_flight' ? j.leaseExpiresAt : j.pushedAt) }));
        if (state !== 'in_flight') tr.addEventListener('click', () => go(['jobs', j.id], { state }));
        table.append(tr);
      }
      cursor = page.next;
      more.hidden = !cursor;
      if (table.rows.length === 1 && !cursor) table.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No jobs.' })));
    }
    more.addEventListener('click', () => load().catch((e) => flash(e.message, true)));
    await load();
    return root;
  }

  async function jobDetail(id, params) {
    const j = await api(gpath('jobs/' + enc(id)));
    const root = el('div', {}, el('p', {}, el('a', { href: '#/jobs?state=' + (params.get('state') || 'waiting'), text: '← jobs' })),
        el('h2', { text: 'Job ' + j.id }));
    root.append(el('dl', { 'data-testid': 'job-detail' }, el('dt', { text: 'task' }), el('dd', { text: j.task || '(unreadable)' }),
        el('dt', { text: 'attempts' }), el('dd', { text: j.attempts }), el('dt', { text: 'pushed' }), el('dd', { text: when(j.pushedAt) })));
    root.append(el('h3', { text: 'Arguments' }), el('pre', { 'data-testid': 'arguments', text: j.arguments || j.payload || '' }));
    const md = Object.entries(j.metadata || {});
    if (md.length) root.append(el('h3', { text: 'Metadata' }), el('pre', { text: md.map(([k, v]) => k + ' = ' + v).join('\n') }));
    if (canAct()) {
      const bar = el('div', { class: 'toolbar' });
      if (params.get('state') === 'delayed') {
        bar.append(actionButton('Run now', 'primary', 'run-now', async () => { await post(gpath('jobs/' + enc(id) + '/run-now')); go(['jobs'], { state: 'waiting' }); return 'Job ' + id + ' is due now'; }));
      }
      bar.append(actionButton('Delete', 'danger', 'delete', async () => { await post(gpath('jobs/' + enc(id) + '/delete')); go(['jobs']); return 'Deleted job ' + id; }));
      root.append(bar);
    }
    return root;
  }

  // ---- sagas ----
  async function sagas(params) {
    const status = params.get('status') || '';
    const root = el('div', {}, el('h2', { text: 'Durable sagas' }));
    const select = el('select', { 'data-testid': 'saga-status' });
    for (const s of ['', 'RUNNING', 'SUCCEEDED', 'COMPENSATING', 'COMPENSATED', 'COMPENSATION_FAILED', 'CANCELLED']) {
      select.append(el('option', { value: s, selected: s === status, text: s || 'any status' }));
    }
    select.addEventListener('change', () => go(['sagas'], select.value ? { status: select.value } : null));
    root.append(el('div', { class: 'toolbar' }, select));
    let list;
    try {
      list = await api(gpath('sagas?' + new URLSearchParams(Object.assign({ limit: '100' }, status ? { status } : {})).toString()));
    } catch (e) {
      root.append(el('p', { class: 'muted', text: e.message }));
      return root;
    }
    const table = el('table', { 'data-testid': 'sagas-table' }, el('tr', {}, ...['Saga', 'Name', 'Status', 'Steps', 'Updated']
        .map((h) => el('th', { text: h }))));
    for (const s of list) {
      const tr = el('tr', { class: 'row', 'data-testid': 'saga-row' }, el('td', { class: 'mono', text: s.id }),
          el('td', { text: s.name }), el('td', { class: 'status-' + s.status, text: s.status }),
          el('td', { text: s.steps.length }), el('td', { text: when(s.updatedAt) }));
      tr.addEventListener('click', () => go(['sagas', s.id]));
      table.append(tr);
    }
    if (!list.length) table.append(el('tr', {}, el('td', { colspan: 5, class: 'muted', text: 'No sagas.' })));
    root.append(table);
    return root;
  }

  async function sagaDetail(id) {
    const s = await api(gpath('sagas/' + enc(id)));
    const root = el('div', {}, el('p', {}, el('a', { href: '#/sagas', text: '← sagas' })), el('h2', { text: 'Saga ' + s.id }));
    root.append(el('dl', {}, el('dt', { text: 'name' }), el('dd', { text: s.name }),
        el('dt', { text: 'status' }), el('dd', { class: 'status-' + s.status, 'data-testid': 'saga-detail-status', text: s.status + (s.cancelRequested ? ' (cancel requested)' : '') }),
        el('dt', { text: 'error' }), el('dd', { text: s.error || '–' })));
    const table = el('table', { 'data-testid': 'saga-steps' }, el('tr', {}, ...['Step', 'Execute', 'Compensate'].map((h) => el('th', { text: h }))));
    const run = (r) => !r || !r.status ? '–' : r.status + ' · ' + r.attempts + ' attempt(s)' + (r.lastError ? ' · ' + r.lastError : '');
    for (const step of s.steps) table.append(el('tr', {}, el('td', { text: step.name }), el('td', { text: run(step.execute) }), el('td', { text: run(step.compensate) })));
    root.append(el('h3', { text: 'Steps' }), table);
    if (canAct()) {
      root.append(el('div', { class: 'toolbar' },
          actionButton('Cancel', 'danger', 'saga-cancel', async () => { await post(gpath('sagas/' + enc(id) + '/cancel')); setTimeout(render, 0); return 'Cancel requested for saga ' + id; }),
          actionButton('Retry compensation', 'primary', 'saga-retry', async () => { await post(gpath('sagas/' + enc(id) + '/retry-compensation')); setTimeout(render, 0); return 'Compensation of saga ' + id + ' retried'; })));
    }
    return root;
  }

  async function render() {
    const { route, params } = parseHash();
    const page = route[0] || 'overview';
    document.querySelectorAll('header nav a').forEach((a) => a.classList.toggle('active', a.dataset.nav === page));
    let view;
    try {
      if (page === 'errors') view = route[1] ? await errorDetail(route[1]) : await errors(params);
      else if (page === 'jobs') view = route[1] ? await jobDetail(route[1], params) : await jobs(params);
      else if (page === 'sagas') view = route[1] ? await sagaDetail(route[1]) : await sagas(params);
      else view = await overview();
    } catch (e) {
      view = el('p', { class: 'muted', 'data-testid': 'load-error', text: 'Could not load: ' + e.message });
    }
    main().replaceChildren(view);
    main().dataset.page = page + (route[1] ? '-detail' : '');
  }

  async function start() {
    session = await api('session');
    const select = document.getElementById('group');
    for (const g of session.groups) select.append(el('option', { value: g, text: g }));
    group = session.groups[0];
    select.addEventListener('change', () => { group = select.value; clearFlash(); render(); });
    const who = document.getElementById('who');
    who.append(el('span', { class: 'badge', text: session.operator }));
    if (session.readOnly) who.append(el('span', { class: 'badge ro', 'data-testid': 'read-only', text: 'read-only' }));
    window.addEventListener('hashchange', () => { render(); });
    await render();
  }

  document.addEventListener('DOMContentLoaded', () => {
    start().catch((e) => { main().replaceChildren(el('p', { 'data-testid': 'load-error', text: 'Could not start: ' + e.message })); });
  });
}());
