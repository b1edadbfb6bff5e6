// Webhooks: the list with create, one webhook's page with edit, delete, its delivery log and resend.
import { api, listPath, page } from './api.js';
import { badge, confirmDialog, date, empty, failed, h, loading, mount, pageHeader, toast } from './ui.js';

const EVENTS = ['asset.created', 'asset.updated', 'asset.ready', 'asset.failed', 'asset.deleted',
  'task.spawned', 'task.updated', 'task.completed', 'task.failed'];

function webhookForm(initial, submitLabel, onSave) {
  const name = h('input', { id: 'webhook-name', class: 'input', required: true, value: initial.name || '' });
  const url = h('input', { id: 'webhook-url', class: 'input', type: 'url', required: true, value: initial.url || '',
    placeholder: 'https://example.com/hooks/spool' });
  const secret = h('input', { id: 'webhook-secret', class: 'input', type: 'password', autocomplete: 'off',
    placeholder: initial.id ? 'Unchanged if empty' : 'Optional: signs every delivery' });
  const chosen = new Set(initial.events || ['asset.ready', 'asset.failed']);
  const boxes = EVENTS.map((event) => {
    const id = `event-${event.replace('.', '-')}`;
    return h('label', { class: 'check', for: id },
      h('input', { id, type: 'checkbox', value: event, checked: chosen.has(event) }), event);
  });
  const error = h('p', { class: 'form-error', role: 'alert' });
  return h('form', { class: 'stack', id: 'webhook-form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    const body = { name: name.value.trim(), url: url.value.trim(),
      events: boxes.map((b) => b.querySelector('input')).filter((i) => i.checked).map((i) => i.value) };
    if (secret.value) body.sharedSecret = secret.value;
    try {
      await onSave(body);
    } catch (err) {
      error.textContent = err.message;
    }
  } },
  h('div', { class: 'field' }, h('label', { for: 'webhook-name' }, 'Name'), name),
  h('div', { class: 'field' }, h('label', { for: 'webhook-url' }, 'URL'), url),
  h('div', { class: 'field' }, h('label', { for: 'webhook-secret' }, 'Shared secret'), secret),
  h('fieldset', { class: 'field' }, h('legend', {}, 'Events'), h('div', { class: 'checks' }, boxes)),
  error, h('div', {}, h('button', { class: 'button primary', type: 'submit' }, submitLabel)));
}

export function webhooksPage(main) {
  const body = h('div', {});
  const form = webhookForm({}, 'Create webhook', async (input) => {
    const created = await api.post('/api/webhook', input);
    toast('Webhook created');
    location.hash = `#/webhooks/${encodeURIComponent(created.id)}`;
  });
  mount(main, pageHeader('Webhooks', 'Spool calls these URLs when assets and tasks change.'),
    h('div', { class: 'grid-2' }, h('section', { 'aria-label': 'Webhooks' }, body),
      h('section', { class: 'card stack', 'aria-labelledby': 'new-webhook' },
        h('h2', { id: 'new-webhook' }, 'New webhook'), form)));

  async function load() {
    mount(body, loading('Loading webhooks'));
    try {
      const { items } = await page(listPath('/api/webhook', { limit: '100' }));
      mount(body, items.length
        ? h('ul', { class: 'card-list', id: 'webhook-list' }, items.map((w) => h('li', { class: 'card' },
          h('a', { class: 'row-link', href: `#/webhooks/${encodeURIComponent(w.id)}` }, h('strong', {}, w.name)),
          h('p', { class: 'mono muted clip' }, w.url),
          h('p', { class: 'muted' }, (w.events || []).join(', ')))))
        : empty('No webhooks', 'Create one to be told when a video is ready.'));
    } catch (error) {
      mount(body, failed(error, load));
    }
  }
  load();
}

export function webhookPage(main, id) {
  const path = `/api/webhook/${encodeURIComponent(id)}`;
  mount(main, loading('Loading the webhook'));

  async function load() {
    try {
      const [hook, logs] = await Promise.all([api.get(path), page(`${path}/log?limit=50`)]);
      render(hook, logs.items);
    } catch (error) {
      mount(main, h('p', {}, h('a', { href: '#/webhooks' }, '← Webhooks')), failed(error, load));
    }
  }

  function render(hook, logs) {
    const remove = h('button', { class: 'button danger', type: 'button', onclick: async () => {
      if (!await confirmDialog('Delete this webhook?', `Spool will stop calling ${hook.url}.`, 'Delete webhook')) return;
      try {
        await api.del(path);
        toast('Webhook deleted');
        location.hash = '#/webhooks';
      } catch (error) {
        toast(error.message, 'error');
      }
    } }, 'Delete');
    const form = webhookForm(hook, 'Save changes', async (input) => {
      await api.put(path, input);
      toast('Webhook saved');
      load();
    });
    mount(main,
      h('p', { class: 'crumbs' }, h('a', { href: '#/webhooks' }, '← Webhooks')),
      pageHeader(hook.name, hook.url, h('button', { class: 'button', type: 'button', onclick: load }, 'Refresh'), remove),
      h('div', { class: 'grid-2' },
        h('section', { class: 'card stack', 'aria-labelledby': 'log-title' },
          h('h2', { id: 'log-title' }, 'Deliveries'),
          logs.length ? h('ul', { class: 'log-list', id: 'delivery-log' }, logs.map((log) => delivery(log)))
            : empty('No deliveries yet', 'They appear here as events happen.')),
        h('section', { class: 'card stack', 'aria-labelledby': 'edit-title' },
          h('h2', { id: 'edit-title' }, 'Settings'), form)));
  }

  function delivery(log) {
    const status = log.response ? `${log.response.status} ${log.response.statusText || ''}` : 'no answer';
    let answer = '';
    try {
      answer = log.response?.body
        ? new TextDecoder().decode(Uint8Array.from(atob(log.response.body), (c) => c.charCodeAt(0))) : '';
    } catch {
      answer = log.response.body;
    }
    return h('li', { class: 'log-item', dataset: { event: log.event } },
      h('details', {},
        h('summary', {}, badge(log.success ? 'completed' : 'failed'), h('strong', {}, log.event),
          h('span', { class: 'muted' }, ` · ${status} · ${date(log.createdAt)}`)),
        h('h3', {}, 'Request'), h('pre', { class: 'code' }, `${log.request?.method || 'POST'} ${log.request?.url || ''}\n`
          + Object.entries(log.request?.headers || {}).map(([k, v]) => `${k}: ${v}`).join('\n')
          + `\n\n${log.request?.body || ''}`),
        h('h3', {}, 'Response'), h('pre', { class: 'code' }, log.response ? `${status}\n\n${answer}` : status),
        h('button', { class: 'button', type: 'button', onclick: async () => {
          try {
            await api.post(`${path}/log/${encodeURIComponent(log.id)}/resend`);
            toast('Sent again');
            load();
          } catch (error) {
            toast(error.message, 'error');
          }
        } }, 'Resend')));
  }

  load();
}
