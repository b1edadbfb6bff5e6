// API keys of the signed-in project: list, create (the secret is shown once), revoke.
import { api } from './api.js';
import { confirmDialog, copyField, date, empty, failed, h, loading, mount, pageHeader, toast } from './ui.js';

export function keysPage(main) {
  const body = h('div', { class: 'section-gap' });
  const reveal = h('div', { 'aria-live': 'polite' });
  const name = h('input', { id: 'key-name', class: 'input', required: true, maxlength: '200',
    placeholder: 'e.g. Production website' });
  const error = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { class: 'inline-form', id: 'key-form', onsubmit: async (e) => {
    e.preventDefault();
    error.textContent = '';
    try {
      const created = await api.post('/api/api-token', { name: name.value.trim() });
      name.value = '';
      mount(reveal, h('div', { class: 'callout success stack', id: 'new-key' },
        h('strong', {}, `Key “${created.name}” created. Copy it now: it will not be shown again.`),
        copyField('New API key', created.secret)));
      load();
    } catch (err) {
      error.textContent = err.message;
    }
  } }, h('div', { class: 'field grow' }, h('label', { for: 'key-name' }, 'Key name'), name),
  h('button', { class: 'button primary', type: 'submit' }, 'Create key'));

  mount(main, pageHeader('API keys', 'Keys act on this project with your rights. Treat them like passwords.'),
    h('section', { class: 'card stack', 'aria-label': 'Create a key' }, form, error, reveal), body);

  async function load() {
    mount(body, loading('Loading keys'));
    try {
      const keys = await api.get('/api/api-token');
      mount(body, keys.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'keys-table' },
        h('thead', {}, h('tr', {}, ['Name', 'Created', 'Id', ''].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, keys.map((key) => h('tr', { dataset: { keyName: key.name } },
          h('td', { class: 'name' }, key.name),
          h('td', { 'data-label': 'Created' }, date(key.createdAt)),
          h('td', { class: 'mono muted', 'data-label': 'Id' }, key.id),
          h('td', {}, h('button', { class: 'button danger', type: 'button', 'aria-label': `Revoke ${key.name}`,
            onclick: async () => {
              if (!await confirmDialog('Revoke this key?', `Requests with “${key.name}” will be refused.`, 'Revoke key')) return;
              try {
                await api.del(`/api/api-token/${encodeURIComponent(key.id)}`);
                toast('Key revoked');
                load();
              } catch (err) {
                toast(err.message, 'error');
              }
            } }, 'Revoke')))))))
        : empty('No keys', 'Create a key for each app that calls Spool.'));
    } catch (err) {
      mount(body, failed(err, load));
    }
  }
  load();
}
