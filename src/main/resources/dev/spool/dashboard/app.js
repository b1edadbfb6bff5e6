// The dashboard's shell: sign-in, navigation and a hash router over the pages.
import { api, page, session, viewing } from './api.js';
import { failed, h, loading, mount, toast } from './ui.js';
import { assetsPage, assetPage } from './assets.js';
import { uploadPage } from './upload.js';
import { tasksPage } from './tasks.js';
import { webhooksPage, webhookPage } from './webhooks.js';
import { keysPage } from './keys.js';

const main = document.getElementById('main');
const topbar = document.getElementById('topbar');
const switchBox = document.getElementById('user-switch-box');
const switcher = document.getElementById('user-switch');
const banner = document.getElementById('viewing-banner');
let leave = null;
// The signed-in key's user (GET /api/user/me), read once per sign-in: it says whether the key is an admin's.
let me = null;
let switcherFor = null;
// Routing waits for the user: a newer route started meanwhile wins.
let routing = 0;

const routes = [
  [/^#\/assets\/([^/]+)$/, (id) => assetPage(main, decodeURIComponent(id)), 'assets'],
  [/^#\/assets$/, () => assetsPage(main), 'assets'],
  [/^#\/upload$/, () => uploadPage(main), 'upload'],
  [/^#\/tasks$/, () => tasksPage(main), 'tasks'],
  [/^#\/webhooks\/([^/]+)$/, (id) => webhookPage(main, decodeURIComponent(id)), 'webhooks'],
  [/^#\/webhooks$/, () => webhooksPage(main), 'webhooks'],
  [/^#\/keys$/, () => keysPage(main), 'keys'],
];

async function route() {
  const turn = ++routing;
  if (leave) leave();
  leave = null;
  if (!session.key()) {
    me = null;
    topbar.hidden = true;
    switchBox.hidden = true;
    banner.hidden = true;
    signInPage();
    return;
  }
  topbar.hidden = false;
  if (!me) {
    mount(main, loading('Signing in'));
    try {
      const user = await api.get('/api/user/me');
      if (turn !== routing) return;
      me = user;
    } catch (error) {
      // A 401 has already sent the page back to sign-in.
      if (error.status !== 401 && turn === routing) mount(main, failed(error, route));
      return;
    }
  }
  await userSwitch();
  if (turn !== routing) return;
  showViewing();
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
      me = await api.get('/api/user/me');
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

/**
 * An admin may look at any user's assets, tasks and webhooks: the switch lists every user (GET /api/user, admins
 * only). Others never see it, and a choice left in the tab by an admin's session does not apply to them.
 */
async function userSwitch() {
  if (!me.admin) {
    viewing.set(null);
    switchBox.hidden = true;
    return;
  }
  if (switcherFor !== me.id) {
    const users = [];
    try {
      for (let path = '/api/user?limit=200'; path;) {
        const result = await page(path);
        users.push(...result.items);
        path = result.next;
      }
    } catch (error) {
      toast(`Could not list users: ${error.message}`, 'error');
      return;
    }
    mount(switcher, h('option', { value: me.id }, `Me (${me.email})`),
      users.filter((u) => u.id !== me.id).map((u) => h('option', { value: u.id }, u.email)));
    switcherFor = me.id;
  }
  switcher.value = viewing.user()?.id || me.id;
  switchBox.hidden = false;
}

function showViewing() {
  const other = viewing.user();
  banner.hidden = !other;
  if (!other) return;
  mount(banner, h('span', {}, 'Viewing the assets, tasks and webhooks of ', h('strong', {}, other.email),
    '. What you create here (uploads, clips, webhooks, keys) is yours.'),
  h('button', { type: 'button', class: 'button', onclick: () => choose(me.id) }, 'Back to mine'));
}

function choose(userId) {
  const option = [...switcher.options].find((o) => o.value === userId);
  viewing.set(userId === me.id || !option ? null : { id: userId, email: option.textContent });
  switcher.value = userId;
  // One user's asset or webhook page has no place in another's view: back to the list.
  const hash = location.hash.replace(/^(#\/(assets|webhooks))\/.*$/, '$1');
  if (hash !== location.hash) location.hash = hash;
  else route();
}

switcher.addEventListener('change', () => choose(switcher.value));

document.getElementById('sign-out').addEventListener('click', () => {
  session.signOut();
  switcherFor = null;
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
