// The dashboard's shell: sign-in, navigation and a hash router over the pages.
import { api, session } from './api.js';
import { h, mount } from './ui.js';
import { assetsPage, assetPage } from './assets.js';
import { uploadPage } from './upload.js';
import { tasksPage } from './tasks.js';
import { webhooksPage, webhookPage } from './webhooks.js';
import { keysPage } from './keys.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
let leave = null;

const routes = [
  [/^#\/assets\/([^/]+)$/, (id) => assetPage(main, decodeURIComponent(id)), 'assets'],
  [/^#\/assets$/, () => assetsPage(main), 'assets'],
  [/^#\/upload$/, () => uploadPage(main), 'upload'],
  [/^#\/tasks$/, () => tasksPage(main), 'tasks'],
  [/^#\/webhooks\/([^/]+)$/, (id) => webhookPage(main, decodeURIComponent(id)), 'webhooks'],
  [/^#\/webhooks$/, () => webhooksPage(main), 'webhooks'],
  [/^#\/keys$/, () => keysPage(main), 'keys'],
];

function route() {
  if (leave) leave();
  leave = null;
  if (!session.key()) {
    topbar.hidden = true;
    signInPage();
    return;
  }
  topbar.hidden = false;
  const hash = location.hash || '#/assets';
  for (const [pattern, render, nav] of routes) {
    const match = pattern.exec(hash);
    if (match) {
      for (const link of topbar.querySelectorAll('[data-nav]')) {
        if (link.dataset.nav === nav) link.setAttribute('aria-current', 'page');
        else link.removeAttribute('aria-current');
      }
      leave = render(...match.slice(1)) || null;
      return;
    }
  }
  location.hash = '#/assets';
}

function signInPage() {
  const input = h('input', { id: 'api-key', name: 'api-key', class: 'input mono', type: 'password',
    autocomplete: 'off', required: true, spellcheck: 'false' });
  const error = h('p', { class: 'form-error', role: 'alert', id: 'sign-in-error' });
  const button = h('button', { type: 'submit', class: 'button primary wide' }, 'Sign in');
  const submit = async (event) => {
    event.preventDefault();
    error.textContent = '';
    button.disabled = true;
    session.signIn(input.value.trim());
    try {
      await api.get('/api/asset?limit=1');
      if (!location.hash || location.hash === '#/') location.hash = '#/assets';
      else route();
    } catch (e) {
      session.signOut();
      error.textContent = e.status === 401 ? 'That key is not valid, or it was revoked.' : e.message;
      button.disabled = false;
      input.focus();
    }
  };
  mount(main, h('div', { class: 'sign-in' },
    h('form', { class: 'card sign-in-card', onsubmit: submit, 'aria-labelledby': 'sign-in-title' },
      h('div', { class: 'brand large' }, h('img', { src: '/ui/logo.svg', alt: '', width: 32, height: 32 }),
        h('span', {}, 'Spool')),
      h('h1', { id: 'sign-in-title' }, 'Sign in'),
      h('p', { class: 'muted' }, 'Use an API key of this server. It stays in this browser tab only.'),
      h('div', { class: 'field' }, h('label', { for: 'api-key' }, 'API key'), input),
      error, button)));
  input.focus();
}

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  location.hash = '#/';
  route();
});
// A key revoked while in use: back to sign-in. The sign-in form handles its own 401.
window.addEventListener('spool:unauthenticated', () => {
  if (topbar.hidden) return;
  session.signOut();
  route();
});
window.addEventListener('hashchange', route);
route();
