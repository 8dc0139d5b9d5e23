// Mailforge web UI: a client of the admin REST API, nothing more. Every rule (who may do what,
// what a valid address is) stays in the server; this script only shows the API's answers. Text
// from the server is only ever set as text (never parsed as HTML), and the page's policy allows
// no inline code and no other origin.

// ---- small helpers ----

const $ = (id) => document.getElementById(id);

/** An element with attributes (on* = listeners, true = present) and children (text or nodes). */
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

const svg = (tag, attributes = {}) => {
  const element = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
};

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '—');
const yesNo = (value) => (value ? 'Yes' : 'No');
const number = (value) => (value === undefined || value === null ? '—' : Number(value).toLocaleString());
const quota = (used, limit) => (limit === 0 ? `${used} MB (no limit)` : `${used} of ${limit} MB`);

class ApiFailure extends Error {
  constructor(status, message, field) {
    super(message);
    this.status = status;
    this.field = field;
  }
}

let me = null; // {username, email, admin, csrf_token}
let timer = null;

/** A call to the API with the session cookie and its CSRF token; JSON in and out. */
async function api(method, path, body) {
  const headers = { Accept: 'application/json', 'X-CSRF-Token': me ? me.csrf_token : '' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (response.status === 401) {
    location.assign('/ui/signin.html?error=expired');
    throw new ApiFailure(401, 'Your session has ended.');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!response.ok) {
    throw new ApiFailure(response.status, (data && data.message) || `${response.status} ${response.statusText}`, data && data.field);
  }
  return data;
}

const query = (params) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(name, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
};

/** A short message for the status line (read out by screen readers). */
function notify(text) {
  $('status').textContent = text;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => { $('status').textContent = ''; }, 8000);
}

const failure = (error) => el('p', { class: 'alert', role: 'alert' }, error.message);

/** A form whose submission runs {@code action}; its failure is shown in the form. */
function form(attributes, fields, submitLabel, action) {
  const problem = el('p', { class: 'alert', role: 'alert', hidden: true });
  const button = el('button', { type: 'submit' }, submitLabel);
  const element = el('form', attributes, fields, problem, el('div', { class: 'actions' }, button));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    problem.hidden = true;
    button.disabled = true;
    try {
      await action(new FormData(element), element);
    } catch (error) {
      problem.textContent = error.message;
      problem.hidden = false;
      const field = error.field && element.querySelector(`[name="${CSS.escape(error.field)}"]`);
      if (field) field.focus();
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

let fieldCount = 0;
/** A labelled input (or select, or textarea when type is 'textarea'). */
function field(label, name, attributes = {}) {
  const id = `f${++fieldCount}`;
  if (attributes.type === 'checkbox') {
    return el('label', { class: 'check', for: id }, el('input', { id, name, ...attributes }), label);
  }
  let input;
  if (attributes.type === 'textarea') {
    const { type, value, ...rest } = attributes;
    input = el('textarea', { id, name, ...rest }, value || '');
  } else if (attributes.options) {
    const { options, value, ...rest } = attributes;
    input = el('select', { id, name, ...rest },
      options.map(([optionValue, text]) => el('option', { value: optionValue, selected: optionValue === value }, text)));
  } else {
    input = el('input', { id, name, type: 'text', ...attributes });
  }
  return el('div', {}, el('label', { for: id }, label), input);
}

/** A table with a caption (for screen readers), column headers and rows of cells. */
function table(caption, headers, rows, empty) {
  if (rows.length === 0) return el('p', { class: 'muted' }, empty);
  return el('div', { class: 'table-wrap' }, el('table', {},
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))),
    el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell) => (cell instanceof Node && cell.tagName === 'TD' ? cell : el('td', {}, cell))))))));
}

const buttons = (...list) => el('td', { class: 'buttons' }, list);
const small = (text, onclick, extra = {}) => el('button', { type: 'button', class: 'small secondary', onclick, ...extra }, text);

/** Previous/next links for a page of {items, total, offset, limit}. */
function pager(page, route, params) {
  const go = (offset) => { location.hash = `#/${route}${query({ ...params, offset })}`; };
  const last = Math.min(page.offset + page.limit, page.total);
  return el('div', { class: 'pager' },
    el('span', { class: 'muted' }, page.total === 0 ? '' : `${page.offset + 1}–${last} of ${page.total}`),
    page.offset > 0 ? small('Previous page', () => go(Math.max(0, page.offset - page.limit))) : null,
    last < page.total ? small('Next page', () => go(page.offset + page.limit)) : null);
}

/**
 * The dialog: a title, some content and an OK button that runs {@code action}; the dialog stays
 * open with the API's message when that fails. Escape or Cancel closes it.
 */
function dialog(title, content, okLabel, action, { danger = false } = {}) {
  const box = $('dialog');
  $('dialog-title').textContent = title;
  $('dialog-body').replaceChildren(...[content].flat());
  $('dialog-error').hidden = true;
  const ok = $('dialog-ok');
  ok.textContent = okLabel;
  ok.hidden = action === null;
  ok.className = danger ? 'danger' : '';
  $('dialog-cancel').textContent = action === null ? 'Close' : 'Cancel';
  dialog.action = action;
  box.showModal();
  const first = box.querySelector('#dialog-body input, #dialog-body textarea, #dialog-body select');
  (first || (action === null ? $('dialog-cancel') : ok)).focus();
}

function setUpDialog() {
  const box = $('dialog');
  $('dialog-cancel').addEventListener('click', () => box.close());
  $('dialog-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!dialog.action) return;
    $('dialog-ok').disabled = true;
    try {
      await dialog.action(new FormData($('dialog-form')));
      box.close();
    } catch (error) {
      $('dialog-error').textContent = error.message;
      $('dialog-error').hidden = false;
    } finally {
      $('dialog-ok').disabled = false;
    }
  });
}

// ---- pages ----

async function dashboard(main) {
  const body = el('div');
  main.append(body);
  const refresh = async () => {
    const [health, stats, history] = await Promise.all([
      fetch('/health', { headers: { Accept: 'application/json' } }).then((r) => r.json()),
      api('GET', '/stats'),
      api('GET', '/stats/history'),
    ]);
    const figure = (label, value) => el('div', { class: 'figure' }, el('dl', {}, el('dt', {}, label), el('dd', {}, value)));
    const up = health.status !== 'unhealthy';
    body.replaceChildren(
      el('section', { 'aria-labelledby': 'health-h' },
        el('h2', { id: 'health-h' }, 'Health'),
        el('p', {}, el('span', { class: up ? 'health-up' : 'health-down' }, health.status[0].toUpperCase() + health.status.slice(1)),
          ` · version ${health.version} · up ${Math.floor(health.uptime_seconds / 3600)} h ${Math.floor((health.uptime_seconds % 3600) / 60)} min`
          + ` · heap ${health.memory.heap_mb} MB of ${health.memory.allocated_mb} MB`),
        health.reasons ? el('ul', { class: 'alert' }, health.reasons.map((reason) => el('li', {}, reason))) : null),
      el('section', { 'aria-labelledby': 'figures-h' },
        el('h2', { id: 'figures-h' }, 'Since start'),
        el('div', { class: 'cards' },
          figure('Received', number(stats.messages.received)),
          figure('Sent', number(stats.messages.sent)),
          figure('Queued', number(stats.messages.queued)),
          figure('Failed', number(stats.messages.failed)),
          figure('Connections now', number(stats.connections.current)),
          figure('Connections', number(stats.connections.total)),
          figure('Refused connections', number(stats.connections.rejected)),
          figure('Failed logins', number(stats.authentication.failed)),
          figure('Spam', number(stats.spam.detected)),
          figure('Viruses', number(stats.virus.detected)),
          figure('Stored messages', number(stats.storage.messages_stored)),
          figure('Stored', `${stats.storage.total_size_mb} MB`),
          figure('Processing (avg)', `${stats.performance.avg_processing_ms} ms`),
          figure('Processing (p99)', `${stats.performance.p99_processing_ms} ms`))),
      el('section', { 'aria-labelledby': 'charts-h' },
        el('h2', { id: 'charts-h' }, 'The last hour on this node'),
        el('div', { class: 'charts' },
          chart('Messages received per minute', history.samples.map((s) => ({ at: s.at, value: s.received })), 'bar'),
          chart('Outbound queue', history.samples.map((s) => ({ at: s.at, value: s.queued })), 'line'))));
  };
  await refresh();
  if (main.isConnected) { // not when another page has replaced this one meanwhile
    timer = setInterval(() => refresh().catch((error) => notify(error.message)), 30000);
  }
}

/** A small chart of one value a minute: bars or a line, with a text summary for screen readers. */
function chart(title, points, kind) {
  const width = 600;
  const height = 120;
  const max = Math.max(1, ...points.map((p) => p.value));
  const slot = width / 60;
  const picture = svg('svg', { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', role: 'img' });
  picture.append(svg('line', { class: 'axis', x1: 0, y1: height - 0.5, x2: width, y2: height - 0.5 }));
  const offset = 60 - points.length; // the newest minute at the right
  if (kind === 'bar') {
    points.forEach((p, i) => {
      const h = (p.value / max) * (height - 6);
      const bar = svg('rect', { class: 'bar', x: (offset + i) * slot + 1, y: height - h, width: slot - 2, height: h });
      bar.append(svg('title'));
      bar.firstChild.textContent = `${new Date(p.at).toLocaleTimeString()}: ${p.value}`;
      picture.append(bar);
    });
  } else if (points.length > 0) {
    const path = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${(offset + i + 0.5) * slot},${height - 3 - (p.value / max) * (height - 6)}`);
    picture.append(svg('path', { class: 'line', d: path.join(' ') }));
  }
  const last = points.length ? points[points.length - 1].value : 0;
  const summary = points.length
    ? `${title}: ${points.length} minutes, latest ${last}, highest ${Math.max(...points.map((p) => p.value))}`
    : `${title}: no sample yet (one is taken every minute)`;
  picture.setAttribute('aria-label', summary);
  return el('figure', { class: 'card chart' }, el('h3', {}, title), picture, el('p', {}, summary));
}

async function users(main, params) {
  main.append(
    el('form', { class: 'inline card', role: 'search', onsubmit: (event) => {
      event.preventDefault();
      location.hash = `#/users${query({ q: new FormData(event.target).get('q') })}`;
    } }, field('Search users', 'q', { type: 'search', value: params.q || '', placeholder: 'name or address' }),
    el('button', { type: 'submit' }, 'Search')),
    el('details', { class: 'card' }, el('summary', {}, 'New user'),
      form({ id: 'new-user' }, [
        field('Username', 'username', { required: true, maxlength: 64, autocomplete: 'off' }),
        field('Email address', 'email', { type: 'email', required: true, maxlength: 320, autocomplete: 'off' }),
        field('Password', 'password', { type: 'password', required: true, autocomplete: 'new-password' }),
        field('Quota (MB, empty for the default)', 'quota_mb', { type: 'number', min: 1 }),
        field('Administrator', 'admin', { type: 'checkbox' }),
      ], 'Create user', async (data) => {
        const created = await api('POST', '/api/users', {
          username: data.get('username'), email: data.get('email'), password: data.get('password'),
          quota_mb: data.get('quota_mb') ? Number(data.get('quota_mb')) : undefined, admin: data.get('admin') === 'on',
        });
        notify(`User ${created.username} created.`);
        render();
      })));
  const page = await api('GET', `/api/users${query({ q: params.q, offset: params.offset, limit: 50 })}`);
  main.append(table('Users', ['Username', 'Email', 'Quota', 'Enabled', 'Admin', 'Last sign-in', 'Actions'],
    page.users.map((user) => [user.username, user.email, quota(user.used_mb, user.quota_mb), yesNo(user.enabled),
      yesNo(user.admin), when(user.last_login),
      buttons(small('Edit', () => editUser(user), { 'aria-label': `Edit ${user.username}` }),
        small('Delete', () => dialog(`Delete ${user.username}?`, el('p', {}, `The user ${user.username} <${user.email}> and all its stored mail are deleted. This cannot be undone.`),
          'Delete user', async () => {
            await api('DELETE', `/api/users/${encodeURIComponent(user.username)}`);
            notify(`User ${user.username} deleted.`);
            render();
          }, { danger: true }), { 'aria-label': `Delete ${user.username}` }))]),
    params.q ? 'No user matches.' : 'No users yet.'), pager(page, 'users', params));
}

function editUser(user) {
  dialog(`Edit ${user.username}`, [
    field('Email address', 'email', { type: 'email', value: user.email, required: true }),
    field('Quota (MB, 0 for no limit)', 'quota_mb', { type: 'number', min: 0, value: user.quota_mb, required: true }),
    field('Enabled', 'enabled', { type: 'checkbox', checked: user.enabled }),
    field('Administrator', 'admin', { type: 'checkbox', checked: user.admin }),
    field('New password (empty: unchanged)', 'password', { type: 'password', autocomplete: 'new-password' }),
  ], 'Save', async (data) => {
    const change = {};
    if (data.get('email') !== user.email) change.email = data.get('email');
    if (Number(data.get('quota_mb')) !== user.quota_mb) change.quota_mb = Number(data.get('quota_mb'));
    if ((data.get('enabled') === 'on') !== user.enabled) change.enabled = data.get('enabled') === 'on';
    if ((data.get('admin') === 'on') !== user.admin) change.admin = data.get('admin') === 'on';
    if (data.get('password')) change.password = data.get('password');
    await api('PUT', `/api/users/${encodeURIComponent(user.username)}`, change);
    notify(`User ${user.username} saved.`);
    render();
  });
}

async function domains(main) {
  main.append(el('div', { class: 'card' }, form({ class: 'inline', id: 'new-domain' },
    [field('New local domain', 'name', { required: true, maxlength: 253, placeholder: 'example.org' })], 'Add domain',
    async (data) => {
      const added = await api('POST', '/api/domains', { name: data.get('name') });
      notify(`${added.name} is now a local domain.`);
      render();
    })));
  const list = await api('GET', '/api/domains');
  main.append(table('Local domains', ['Domain', 'Source', 'Users', 'Aliases', 'Catch-all', 'DKIM', 'Actions'],
    list.map((domain) => [domain.name, domain.configured ? 'Configuration' : 'Added here', number(domain.users), number(domain.aliases),
      domain.catch_all.length ? domain.catch_all.join(', ') : '—', domain.dkim_selectors.join(', ') || '—',
      buttons(small('DNS records', () => dnsRecords(domain.name), { 'aria-label': `DNS records of ${domain.name}` }),
        small('Check DNS', () => dnsCheck(domain.name), { 'aria-label': `Check the DNS of ${domain.name}` }),
        small('Remove', () => dialog(`Remove ${domain.name}?`, el('p', {}, `Mail for ${domain.name} is no longer accepted.`), 'Remove domain',
          async () => {
            await api('DELETE', `/api/domains/${encodeURIComponent(domain.name)}`);
            notify(`${domain.name} removed.`);
            render();
          }, { danger: true }), { disabled: domain.configured, 'aria-label': `Remove ${domain.name}` }))]),
    'No local domains.'));
}

async function dnsRecords(domain) {
  const records = await api('GET', `/api/domains/${encodeURIComponent(domain)}/dns`);
  dialog(`DNS records for ${domain}`, [
    table(`DNS records for ${domain}`, ['Name', 'Type', 'Value'], records.records.map((r) => [r.name, r.type, el('td', {}, el('code', {}, r.value), r.comment ? el('div', { class: 'muted' }, r.comment) : null)]), 'None.'),
    el('h3', {}, 'As a zone file'), el('pre', { class: 'zone' }, records.zone),
  ], 'OK', null);
}

/** The live DNS check: what the domain publishes against what this server needs, item by item. */
async function dnsCheck(domain) {
  const check = await api('GET', `/api/domains/${encodeURIComponent(domain)}/check`);
  const summary = check.status === 'pass' ? 'Everything is published as it should be.'
    : check.failing.length ? `To fix: ${check.failing.join(', ')}.` : 'Nothing fails; some items warn.';
  dialog(`DNS check of ${domain}`, [
    el('p', { id: 'dns-check-summary' }, summary),
    table(`DNS check of ${domain}`, ['Check', 'Result', 'Why', 'Publish'], check.items.map((item) => [item.check,
      el('td', { 'data-check': item.check }, item.status), item.reason,
      el('td', {}, item.publish ? el('code', {}, item.publish) : '—')]), 'Nothing to check.'),
    el('p', { class: 'muted' }, `Judged for the outbound addresses ${check.outbound_addresses.join(', ') || '(unknown: set SMTP_OUTBOUND_ADDRESSES)'}; re-checked daily.`),
  ], 'OK', null);
}

async function aliases(main) {
  main.append(el('details', { class: 'card' }, el('summary', {}, 'New alias'),
    form({ id: 'new-alias' }, [
      field('Address (*@domain for a catch-all)', 'address', { required: true, maxlength: 320, placeholder: 'sales@example.org' }),
      field('Targets: local users or outside addresses, one a line', 'targets', { type: 'textarea', required: true }),
    ], 'Create alias', async (data) => {
      const created = await api('POST', '/api/aliases', { address: data.get('address'), targets: lines(data.get('targets')) });
      notify(`Alias ${created.address} created.`);
      render();
    })));
  const list = await api('GET', '/api/aliases');
  main.append(table('Aliases', ['Address', 'Delivers to', 'Actions'],
    list.map((alias) => [alias.catch_all ? `${alias.address} (catch-all)` : alias.address, alias.targets.join(', '),
      buttons(small('Edit', () => dialog(`Edit ${alias.address}`, field('Targets, one a line', 'targets', { type: 'textarea', value: alias.targets.join('\n'), required: true }),
        'Save', async (data) => {
          await api('PUT', `/api/aliases/${encodeURIComponent(alias.address)}`, { targets: lines(data.get('targets')) });
          notify(`Alias ${alias.address} saved.`);
          render();
        }), { 'aria-label': `Edit ${alias.address}` }),
      small('Delete', () => dialog(`Delete ${alias.address}?`, el('p', {}, `Mail to ${alias.address} is no longer accepted.`), 'Delete alias', async () => {
        await api('DELETE', `/api/aliases/${encodeURIComponent(alias.address)}`);
        notify(`Alias ${alias.address} deleted.`);
        render();
      }, { danger: true }), { 'aria-label': `Delete ${alias.address}` }))]),
    'No aliases yet.'));
}

const lines = (text) => text.split(/[\n,]/).map((line) => line.trim()).filter((line) => line);

const queueStatuses = [['pending', 'Pending'], ['retry', 'Retry'], ['failed', 'Failed'], ['held', 'Held']];

/** The badge classes of statuses and outcomes (text stays the API's word). */
const tones = { delivered: 'good', ok: 'good', refused: 'bad', failed: 'bad', deferred: 'warn', retry: 'warn', held: 'warn' };
const badge = (status) => el('span', { class: `badge ${tones[status] || 'info'}` }, status);

async function queue(main, params) {
  main.append(el('form', { class: 'inline card', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    location.hash = `#/queue${query({ status: data.get('status'), domain: data.get('domain') })}`;
  } }, field('Status', 'status', { options: [['', 'All'], ...queueStatuses], value: params.status || '' }),
  field('Destination domain', 'domain', { value: params.domain || '', placeholder: 'example.net' }),
  el('button', { type: 'submit' }, 'Filter')), bulkAction(params));
  const page = await api('GET', `/api/queue${query({ status: params.status, domain: params.domain, offset: params.offset, limit: 50 })}`);
  main.append(table('Outbound queue', ['Queued', 'From', 'To', 'Subject', 'Status', 'Attempts', 'Next try', 'Actions'],
    page.messages.map((entry) => [when(entry.created_at), entry.from || '<>', entry.to.join(', '),
      entry.subject || '', badge(entry.status), `${entry.attempts} of ${entry.max_attempts}`, when(entry.next_retry),
      buttons(small('Details', () => dialog(`Queue entry ${entry.id}`, [
        el('p', {}, `From ${entry.from || '<>'}, ${number(entry.size_bytes)} bytes, queued ${when(entry.created_at)}.`),
        entry.last_error ? el('p', {}, `Last error: ${entry.last_error}`) : null,
        table('Recipients', ['Recipient', 'Status', 'Last reply'], entry.recipients.map((r) => [r.address, r.status, r.last_reply || '—']), 'None.'),
      ], 'OK', null), { 'aria-label': `Details of the message to ${entry.to.join(', ')}` }),
      small('Retry', async () => {
        try {
          const answer = await api('POST', `/api/queue/${encodeURIComponent(entry.id)}/retry`);
          notify(answer.message);
          render();
        } catch (error) {
          notify(error.message);
        }
      }, { 'aria-label': `Retry the message to ${entry.to.join(', ')}` }),
      entry.status === 'held'
        ? small('Release', () => holdOrRelease(entry, 'release'), { 'aria-label': `Release the message to ${entry.to.join(', ')}` })
        : small('Hold', () => holdOrRelease(entry, 'hold'), { 'aria-label': `Hold the message to ${entry.to.join(', ')}` }),
      small('Delete', () => dialog('Delete this queue entry?', el('p', {}, `The message to ${entry.to.join(', ')} is neither delivered nor returned to its sender.`),
        'Delete entry', async () => {
          await api('DELETE', `/api/queue/${encodeURIComponent(entry.id)}`);
          notify('Queue entry deleted.');
          render();
        }, { danger: true }), { 'aria-label': `Delete the message to ${entry.to.join(', ')}` }))]),
    'The queue is empty.'), pager(page, 'queue', params));
  await suspensions(main);
  await guardrails(main);
}

/** The outbound guardrails' lists: recipients not tried again, accounts held for bouncing; each may be lifted. */
async function guardrails(main) {
  const section = el('section', { id: 'guardrails', 'aria-labelledby': 'guardrails-h' },
    el('h2', { id: 'guardrails-h' }, 'Outbound guardrails'));
  main.append(section);
  const lift = (path, message) => async () => {
    try {
      const answer = await api('DELETE', path);
      notify(answer.message || message);
      render();
    } catch (error) {
      notify(error.message);
    }
  };
  try {
    const held = await api('GET', '/api/held-accounts');
    section.append(table('Accounts held for bouncing', ['Account', 'Since', 'Why', 'Actions'],
      held.held_accounts.map((h) => [h.account, when(h.since), h.reason,
        buttons(small('Release', lift(`/api/held-accounts/${encodeURIComponent(h.account)}`, 'Account released.'),
          { 'aria-label': `Release the account ${h.account}` }))]),
      'No account is held.'));
    const suppressed = await api('GET', '/api/suppressions?limit=100');
    section.append(table('Suppressed recipients', ['Address', 'Refused', 'Until', 'Reply', 'Actions'],
      suppressed.suppressions.map((s) => [s.address, when(s.created_at), when(s.expires_at), s.reason,
        buttons(small('Lift', lift(`/api/suppressions/${encodeURIComponent(s.address)}`, 'Suppression lifted.'),
          { 'aria-label': `Try ${s.address} again` }))]),
      'No recipient is suppressed.'));
  } catch (error) {
    section.append(failure(error));
  }
}

/** Hold (no attempt until released) or release one queue entry; the API's answer goes to the status line. */
async function holdOrRelease(entry, action) {
  try {
    const answer = await api('POST', `/api/queue/${encodeURIComponent(entry.id)}/${action}`);
    notify(answer.message);
    render();
  } catch (error) {
    notify(error.message);
  }
}

const bulkActions = {
  retry: { verb: 'Retry', done: 'queued for retry', what: 'Each is tried again now.' },
  hold: { verb: 'Hold', done: 'held', what: 'Nothing is tried for them until they are released.' },
  release: { verb: 'Release', done: 'released', what: 'They are tried again as scheduled.' },
  delete: { verb: 'Delete', done: 'deleted', what: 'They are not delivered.' },
};

/** One action on every queue entry a filter matches, after a confirmation that says which. */
function bulkAction(params) {
  return el('details', { class: 'card' }, el('summary', {}, 'Bulk action'),
    form({ id: 'queue-bulk' }, [
      field('Action', 'action', { options: Object.entries(bulkActions).map(([name, action]) => [name, action.verb]) }),
      field('Notify the sender (delete only)', 'dsn', { type: 'checkbox' }),
      field('Destination domain', 'domain', { value: params.domain || '', maxlength: 255, placeholder: 'example.net' }),
      field('Sender', 'sender', { maxlength: 320, placeholder: 'someone@example.org' }),
      field('Older than (minutes)', 'older_than_minutes', { type: 'number', min: 1 }),
      field('Status', 'status', { options: [['', 'Any'], ...queueStatuses], value: params.status || '' }),
      field('Last error contains', 'error_contains', { maxlength: 200, placeholder: 'timeout' }),
    ], 'Apply', async (data) => {
      const name = data.get('action');
      const action = bulkActions[name];
      const filter = {};
      for (const key of ['domain', 'sender', 'status', 'error_contains']) {
        if (data.get(key)) filter[key] = data.get(key);
      }
      if (data.get('older_than_minutes')) filter.older_than_minutes = Number(data.get('older_than_minutes'));
      const dsn = name === 'delete' && data.get('dsn') === 'on';
      const matching = [filter.domain && `destination ${filter.domain}`, filter.sender && `sender ${filter.sender}`,
        filter.older_than_minutes && `older than ${filter.older_than_minutes} minutes`, filter.status && `status ${filter.status}`,
        filter.error_contains && `last error containing "${filter.error_contains}"`].filter((words) => words);
      const consequence = name !== 'delete' ? action.what
        : dsn ? 'They are not delivered; their senders are notified.' : 'They are neither delivered nor returned to their senders.';
      dialog(matching.length ? `${action.verb} every entry matching ${matching.join(', ')}?` : `${action.verb} every entry in the queue?`,
        el('p', {}, consequence), `${action.verb} entries`, async () => {
          const answer = await api('POST', '/api/queue/bulk', { action: name, dsn, filter });
          notify(`${number(answer.touched)} ${answer.touched === 1 ? 'entry' : 'entries'} ${action.done}`
            + `${answer.matched !== answer.touched ? ` (${number(answer.matched)} matched)` : ''}.`);
          render();
        }, { danger: name === 'delete' });
    }));
}

/** Destination domains no delivery is tried for until resumed: the list, suspending one, resuming. */
async function suspensions(main) {
  const section = el('section', { id: 'suspensions', 'aria-labelledby': 'suspensions-h' },
    el('h2', { id: 'suspensions-h' }, 'Suspended destination domains'),
    el('div', { class: 'card' }, form({ class: 'inline', id: 'suspend-domain' },
      [field('Destination domain to suspend', 'domain', { required: true, maxlength: 255, placeholder: 'example.net' })], 'Suspend',
      async (data) => {
        const suspended = await api('PUT', `/api/queue/suspensions/${encodeURIComponent(data.get('domain'))}`);
        notify(`Delivery to ${suspended.domain} suspended.`);
        render();
      })));
  main.append(section);
  try {
    const list = await api('GET', '/api/queue/suspensions');
    section.append(table('Suspended destination domains', ['Domain', 'Since', 'By', 'Actions'],
      list.suspensions.map((s) => [s.domain, when(s.since), s.by || '—',
        buttons(small('Resume', async () => {
          try {
            const answer = await api('DELETE', `/api/queue/suspensions/${encodeURIComponent(s.domain)}`);
            notify(answer.message);
            render();
          } catch (error) {
            notify(error.message);
          }
        }, { 'aria-label': `Resume delivery to ${s.domain}` }))]),
      'No destination domain is suspended.'));
  } catch (error) {
    section.append(failure(error));
  }
}

const envelopeSender = (from) => (from === '' ? '<>' : from || '—');

/** An instant as a datetime-local field shows it (local time, to the minute); '' for none. */
function localTime(iso) {
  const date = iso ? new Date(iso) : null;
  if (!date || Number.isNaN(date.getTime())) return '';
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** A datetime-local field's value (local time) as an ISO instant; '' for none. */
function instant(local) {
  const date = local ? new Date(local) : null;
  return !date || Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

const traceFilters = ['sender', 'recipient', 'message_id', 'queue_id', 'client', 'status', 'from', 'to'];

/** The message trace: a search, then one message's timeline (#/log?id=...). */
async function mailLog(main, params) {
  if (params.id) {
    await timeline(main, params);
    return;
  }
  const search = el('form', { id: 'log-search', class: 'inline card', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    const target = `#/log${query(Object.fromEntries(traceFilters.map((name) =>
      [name, name === 'from' || name === 'to' ? instant(data.get(name)) : data.get(name)])))}`;
    if (location.hash === target) render(); // the same search again: what happened since
    else location.hash = target;
  } }, field('Sender', 'sender', { value: params.sender || '', maxlength: 320, placeholder: 'someone@example.org or @example.org' }),
  field('Recipient', 'recipient', { value: params.recipient || '', maxlength: 320, placeholder: 'someone@example.org or @example.org' }),
  field('Message-ID', 'message_id', { value: params.message_id || '', maxlength: 255 }),
  field('Queue id', 'queue_id', { value: params.queue_id || '', maxlength: 40 }),
  field('Client address', 'client', { value: params.client || '', maxlength: 64, placeholder: '192.0.2.1' }),
  field('Status', 'status', { options: [['', 'All'], ['refused', 'Refused'], ['deferred', 'Deferred'], ['queued', 'Queued'],
    ['delivered', 'Delivered'], ['failed', 'Failed']], value: params.status || '' }),
  field('Since', 'from', { type: 'datetime-local', value: localTime(params.from) }),
  field('Before', 'to', { type: 'datetime-local', value: localTime(params.to) }),
  el('button', { type: 'submit' }, 'Search'));
  main.append(search);
  try {
    const filters = Object.fromEntries(traceFilters.map((name) => [name, params[name]]));
    const page = await api('GET', `/api/trace${query({ ...filters, offset: params.offset, limit: 50 })}`);
    main.append(el('div', { id: 'log-results' }, table('Mail log', ['Time', 'From', 'To', 'Subject', 'Status', 'Client'],
      page.messages.map((m) => [
        el('a', { href: `#/log${query({ ...params, id: m.id })}`, 'data-trace-id': m.id,
          'aria-label': `Timeline of the message of ${when(m.first_at)}${m.subject ? `: ${m.subject}` : ''}` }, when(m.first_at)),
        envelopeSender(m.from), (m.to || []).join(', '), m.subject || '', m.status ? badge(m.status) : '—',
        (m.client && m.client.address) || '—']),
      traceFilters.some((name) => params[name]) ? 'No message matches.' : 'No message yet.'), pager(page, 'log', params)));
  } catch (error) {
    main.append(failure(error));
    const wrong = error.field && search.querySelector(`[name="${CSS.escape(error.field)}"]`);
    if (wrong) wrong.setAttribute('aria-invalid', 'true');
  }
}

const attemptOutcomes = { ok: 'delivered', deferred: 'deferred', failed: 'failed', info: 'noted' };

/** What a step of a trace was, in words. */
function stepSentence(step) {
  const who = step.recipient || '';
  switch (step.kind) {
    case 'refused': return `Refused${who ? ` for ${who}` : ''}${step.outcome === 'deferred' ? ' (for now)' : ''}`;
    case 'received': return 'Received';
    case 'stored': return `Stored${who ? ` for ${who}` : ''}`;
    case 'queued': return `Queued${who ? ` for ${who}` : ''}`;
    case 'attempt': return `Delivery attempt${who ? ` to ${who}` : ''}${step.outcome ? `: ${attemptOutcomes[step.outcome] || step.outcome}` : ''}`;
    case 'notified': return 'Sender notified';
    case 'admin': return 'Administrator action';
    default: return step.kind || 'Step';
  }
}

/** One message: what is known of it, then every step, oldest first. */
async function timeline(main, params) {
  const { id, ...search } = params;
  main.append(el('p', {}, el('a', { href: `#/log${query(search)}`, id: 'log-back' }, 'Back to the list')));
  const trace = await api('GET', `/api/trace/${encodeURIComponent(id)}`);
  const m = trace.message || {};
  const client = m.client || {};
  const fact = (label, value) => [el('dt', {}, label), el('dd', {}, value === undefined || value === null || value === '' ? '—' : value)];
  const domainOf = (address) => (address && address.includes('@') ? address.slice(address.lastIndexOf('@') + 1) : undefined);
  main.append(
    el('section', { id: 'trace', 'data-trace-id': m.id, 'aria-labelledby': 'trace-h' },
      el('h2', { id: 'trace-h' }, m.subject || '(no subject)'),
      el('dl', { class: 'card facts', id: 'trace-facts' },
        fact('Status', m.status ? badge(m.status) : null),
        fact('From', envelopeSender(m.from)),
        fact('To', (m.to || []).join(', ')),
        fact('Subject', m.subject),
        fact('Message-ID', m.message_id),
        fact('Size', m.size_bytes === undefined || m.size_bytes === null ? null : `${number(m.size_bytes)} bytes`),
        fact('First seen', when(m.first_at)),
        fact('Last seen', when(m.last_at)),
        fact('Client address', client.address),
        fact('Client name', client.name),
        fact('HELO', client.helo),
        fact('TLS', client.tls),
        fact('Login', me.admin && m.auth_user ? el('a', { href: `#/users${query({ q: m.auth_user })}` }, m.auth_user) : m.auth_user),
        fact('Listener', m.listener),
        fact('Node', m.node),
        fact('Authentication', m.authentication),
        fact('Scan', m.scan),
        fact('Trace id', m.id))),
    el('section', { 'aria-labelledby': 'steps-h' },
      el('h2', { id: 'steps-h' }, 'What happened'),
      (trace.steps || []).length === 0 ? el('p', { class: 'muted' }, 'No step yet.')
        : el('ol', { class: 'steps', id: 'trace-steps' }, trace.steps.map((step) => el('li', {
          class: tones[step.outcome] || '', 'data-kind': step.kind, 'data-outcome': step.outcome },
        el('time', { datetime: step.at }, when(step.at)),
        el('p', { class: 'step' }, stepSentence(step)),
        step.reply ? el('pre', { class: 'reply' }, el('code', {}, step.reply)) : null,
        step.detail ? el('p', { class: 'detail' }, step.detail) : null,
        me.admin && step.queue_id ? el('p', {}, el('a', { href: `#/queue${query({ domain: domainOf(step.recipient) })}`,
          'data-queue-id': step.queue_id }, `Queue entry ${step.queue_id}`)) : null)))));
}

/** "Spam" for a message in the inbox, "Not spam" for one in Junk: the scanner learns it and the message moves. */
function spamButton(username, message) {
  const spam = message.folder !== 'Junk';
  const label = spam ? 'Spam' : 'Not spam';
  return small(label, async () => {
    try {
      const answer = await api('POST', `/api/users/${encodeURIComponent(username)}/messages/${message.id}/spam`, { spam });
      notify(`"${message.subject || 'Message'}" learnt as ${spam ? 'spam' : 'not spam'} and moved to ${answer.folder}.`);
      render();
    } catch (error) {
      notify(error.message);
    }
  }, { 'aria-label': `${label}: ${message.subject || 'message'}` });
}

async function messages(main, params) {
  const username = me.admin ? params.user || '' : me.username;
  main.append(el('form', { class: 'inline card', role: 'search', onsubmit: (event) => {
    event.preventDefault();
    const data = new FormData(event.target);
    location.hash = `#/messages${query({ user: data.get('user'), q: data.get('q') })}`;
  } }, me.admin ? field('User', 'user', { value: username, required: true, placeholder: 'username' }) : null,
  field('Words', 'q', { type: 'search', value: params.q || '' }), el('button', { type: 'submit' }, 'Search')));
  if (!username) {
    main.append(el('p', { class: 'muted' }, 'Name a user to list its messages.'));
    return;
  }
  try {
    const page = await api('GET', `/api/users/${encodeURIComponent(username)}/messages${query({ q: params.q, offset: params.offset, limit: 50 })}`);
    main.append(table(`Messages of ${username}`, ['Date', 'From', 'To', 'Subject', 'Folder', 'Size', 'Actions'],
      page.messages.map((m) => [when(m.date), m.from || '', m.to || '', m.subject || '', m.folder, `${number(m.size_bytes)} B`,
        buttons(spamButton(username, m))]),
      params.q ? 'No message matches.' : 'No messages.'), pager(page, 'messages', params));
  } catch (error) {
    main.append(failure(error));
  }
}

async function account(main) {
  const user = await api('GET', `/api/users/${encodeURIComponent(me.username)}`);
  const reaching = (await api('GET', '/api/aliases')).filter((alias) => alias.targets.includes(user.email));
  const used = user.statistics ? user.statistics.storage_used_mb : user.used_mb;
  main.append(
    el('div', { class: 'card' },
      el('p', {}, `Signed in as ${user.username} <${user.email}>${user.admin ? ', administrator' : ''}.`),
      el('label', { for: 'quota' }, `Mailbox: ${quota(used, user.quota_mb)} used`),
      el('progress', { id: 'quota', max: user.quota_mb || 1, value: user.quota_mb ? Math.min(used, user.quota_mb) : 0 }),
      user.statistics ? el('p', {}, `${number(user.statistics.messages_received)} messages received, ${number(user.statistics.messages_sent)} sent.`) : null),
    el('h2', {}, 'Change password'),
    el('div', { class: 'card' }, form({ id: 'password-form' }, [
      field('Current password', 'current_password', { type: 'password', required: true, autocomplete: 'current-password' }),
      field('New password', 'password', { type: 'password', required: true, autocomplete: 'new-password' }),
      field('New password again', 'again', { type: 'password', required: true, autocomplete: 'new-password' }),
    ], 'Change password', async (data, element) => {
      if (data.get('password') !== data.get('again')) throw new ApiFailure(400, 'The two passwords differ.', 'again');
      await api('PUT', `/api/users/${encodeURIComponent(me.username)}`,
        { current_password: data.get('current_password'), password: data.get('password') });
      element.reset();
      notify('Password changed.');
    })),
    el('h2', {}, 'Aliases that reach you'),
    table('Aliases that reach you', ['Address', 'Delivers to'], reaching.map((alias) => [alias.address, alias.targets.join(', ')]), 'None.'));
}

// ---- routing ----

const routes = {
  dashboard: { title: 'Dashboard', admin: true, render: dashboard },
  users: { title: 'Users', admin: true, render: users },
  domains: { title: 'Domains', admin: true, render: domains },
  aliases: { title: 'Aliases', admin: true, render: aliases },
  queue: { title: 'Queue', admin: true, render: queue },
  log: { title: 'Mail log', admin: false, render: mailLog },
  messages: { title: 'Messages', admin: false, render: messages },
  account: { title: 'Account', admin: false, render: account },
};

async function render() {
  clearInterval(timer);
  // A page renders while it waits for the API; a click (a form sent, another page) can start the
  // next render meanwhile. Each render fills a page of its own, which the next one takes out of
  // <main>: what the older one adds later lands nowhere, and it leaves the notices alone.
  const generation = render.generation = (render.generation || 0) + 1;
  const moved = render.moved;
  render.moved = false;
  const [, name = '', search = ''] = /^#\/([a-z]*)\??(.*)$/.exec(location.hash) || [];
  const home = me.admin ? 'dashboard' : 'account';
  const route = routes[name] && (me.admin || !routes[name].admin) ? name : home;
  for (const link of document.querySelectorAll('#nav a')) {
    if (link.dataset.route === route) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${routes[route].title} · Mailforge`;
  const heading = el('h1', { tabindex: '-1' }, routes[route].title);
  const page = el('div');
  $('main').replaceChildren(heading, page);
  try {
    await routes[route].render(page, Object.fromEntries(new URLSearchParams(search)));
  } catch (error) {
    page.append(failure(error));
  }
  if (moved && generation === render.generation) { // a new page: screen readers start at its title, old notices go
    heading.focus();
    $('status').textContent = '';
  }
}

async function start() {
  const response = await fetch('/ui/session', { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
  if (!response.ok) {
    location.assign('/ui/signin.html');
    return;
  }
  me = await response.json();
  $('who').textContent = me.username;
  $('nav').replaceChildren(...Object.entries(routes).filter(([, route]) => me.admin || !route.admin)
    .map(([name, route]) => el('li', {}, el('a', { href: `#/${name}`, 'data-route': name }, route.title))));
  $('sign-out').addEventListener('click', async () => {
    await fetch('/ui/session', { method: 'DELETE', headers: { 'X-CSRF-Token': me.csrf_token }, credentials: 'same-origin' });
    location.assign('/ui/signin.html');
  });
  setUpDialog();
  window.addEventListener('hashchange', () => { render.moved = true; render(); });
  await render();
}

start();
