// The operator console (the page's second tab): jobs of every platform, filterable; usage per member and server
// against the quotas; the configuration check. Read when the tab opens, on Refresh, and again (debounced) when the
// event stream says a job changed while the tab is open. Nothing here polls.
import { getJson } from './api.js';
import { el } from './thread.js';

const $ = (id) => document.getElementById(id);
const when = (ms) =>
  new Date(ms).toLocaleString([], {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

function queryOf() {
  const data = new FormData($('filters'));
  const query = new URLSearchParams();
  for (const [name, value] of data) if (String(value).trim()) query.set(name, String(value).trim());
  return query.toString();
}

function jobRow(job) {
  const detail = job.error
    ? el(
        'span',
        {},
        el('code', { class: 'code', text: job.error.code }),
        ' ',
        job.error.message,
        job.error.referenceId ? el('span', { class: 'muted', text: ' · ref ' + job.error.referenceId }) : null,
      )
    : job.state === 'queued' && job.position
      ? el('span', { text: '#' + job.position + ' in line' })
      : el('span', { class: 'muted', text: job.model || '' });
  return el(
    'tr',
    { 'data-job-id': job.id, 'data-state': job.state },
    el('td', { 'data-label': 'When', text: when(job.createdAt) }),
    el('td', { 'data-label': 'Platform', text: job.platform }),
    el('td', { 'data-label': 'Server', text: job.workspaceId || '—' }),
    el('td', { 'data-label': 'Member', text: job.memberId }),
    el(
      'td',
      { 'data-label': 'What' },
      el('span', { text: job.action }),
      job.prompt !== undefined ? el('div', { class: 'small muted prompt-cell', text: job.prompt }) : null,
    ),
    el('td', { 'data-label': 'State' }, el('span', { class: 'state ' + job.state, text: job.state.replace('_', ' ') })),
    el('td', { 'data-label': 'Detail', class: 'detail-cell' }, detail),
  );
}

function figure(label, value) {
  const limit = value.limit;
  const text = value.units + (limit !== undefined ? ' / ' + limit : '') + ' units';
  return el(
    'div',
    { class: 'figure' },
    el('span', { class: 'small muted', text: label }),
    limit !== undefined
      ? el('meter', {
          min: 0,
          max: limit,
          high: limit * 0.8,
          value: Math.min(value.units, limit),
          'aria-label': label + ' ' + text,
        })
      : null,
    el('span', { class: 'small', text }),
  );
}

function usageOf(body) {
  if (body.members.length === 0) return [el('p', { class: 'muted small', text: 'No usage in the last 24 hours.' })];
  return [
    el('h3', { text: 'Servers and workspaces, last 24 h' }),
    el(
      'ul',
      { class: 'usage' },
      ...body.servers.map((s) =>
        el(
          'li',
          {},
          el('strong', { text: s.platform + ' ' + (s.workspaceId || '(none)') }),
          figure('per day', s.lastDay),
        ),
      ),
    ),
    el('h3', { text: 'Members' }),
    el(
      'ul',
      { class: 'usage' },
      ...body.members.map((m) =>
        el(
          'li',
          {},
          el('strong', { text: m.memberId }),
          el('span', {
            class: 'small muted',
            text: ' ' + m.platform + ' ' + (m.workspaceId || '') + ' · ' + m.images + ' images',
          }),
          figure('last hour', m.lastHour),
          figure('last 24 h', m.lastDay),
        ),
      ),
    ),
  ];
}

function configOf(body) {
  if (body.unavailable) return [el('p', { class: 'muted', text: body.unavailable })];
  const api = body.imageApi;
  const usable = body.models.filter((m) => m.usable).length;
  return [
    el(
      'ul',
      { class: 'checks' },
      ...body.platforms.map((p) =>
        el(
          'li',
          { class: p.enabled ? 'ok' : 'off' },
          el('strong', { text: p.name }),
          ' ',
          p.enabled ? 'on' : 'off',
          ' · ',
          p.detail,
          p.missing.length ? el('span', { class: 'muted', text: ' (missing ' + p.missing.join(', ') + ')' }) : null,
        ),
      ),
      el(
        'li',
        { class: api.mode === 'offline' ? 'off' : api.reachable ? 'ok' : 'bad' },
        el('strong', { text: 'image API' }),
        ' ',
        api.url ? api.url + ' · ' : '',
        api.detail,
        api.requestId ? ' (request id ' + api.requestId + ')' : '',
      ),
      el('li', { class: 'ok' }, el('strong', { text: 'dialect' }), ' ', api.dialect),
    ),
    el('h3', {
      text:
        api.mode === 'offline'
          ? 'Catalogue (offline renderer)'
          : usable + ' of ' + body.models.length + ' catalogue models usable with this key',
    }),
    el(
      'ul',
      { class: 'models small' },
      ...body.models.map((m) =>
        el(
          'li',
          { class: m.usable === false ? 'bad' : m.usable ? 'ok' : '' },
          el('code', { text: m.id }),
          m.id === body.defaultModel ? ' (default)' : '',
          m.usable === false ? ' · not usable' : '',
          ' · ' + m.dialect,
        ),
      ),
    ),
    el('p', { class: 'muted small', text: 'Checked ' + when(body.checkedAt) + '. Secrets are never shown.' }),
  ];
}

export function createOperator() {
  let visible = false;
  let timer;
  const showError = (message) => {
    $('operator-error').textContent = message || '';
    $('operator-error').hidden = !message;
  };
  async function load() {
    const query = queryOf();
    const [jobs, usage, config] = await Promise.all([
      getJson('/api/operator/jobs?' + query),
      getJson('/api/operator/usage?' + query),
      getJson('/api/operator/config'),
    ]);
    const failed = [jobs, usage, config].find((answer) => !answer.ok);
    showError(failed ? failed.body.error : '');
    if (jobs.ok) {
      const rows = jobs.body.jobs.map(jobRow);
      $('jobs').tBodies[0].replaceChildren(
        ...(rows.length ? rows : [el('tr', {}, el('td', { colspan: 7, class: 'muted', text: 'No jobs match.' }))]),
      );
      $('prompts-note').hidden = jobs.body.promptsShown;
    }
    if (usage.ok) $('usage').replaceChildren(...usageOf(usage.body));
    if (config.ok) $('config').replaceChildren(...configOf(config.body));
  }
  $('filters').addEventListener('submit', (event) => {
    event.preventDefault();
    load();
  });
  $('filters').addEventListener('change', () => load());
  $('operator-refresh').addEventListener('click', () => load());
  return {
    show() {
      visible = true;
      load();
    },
    hide() {
      visible = false;
    },
    /** A job changed somewhere: read again shortly, if the console is open. */
    changed() {
      if (!visible) return;
      clearTimeout(timer);
      timer = setTimeout(load, 400);
    },
  };
}
