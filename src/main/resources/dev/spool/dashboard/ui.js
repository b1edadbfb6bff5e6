// Small DOM helpers: every text goes in as text, never as HTML.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function mount(el, ...children) {
  el.replaceChildren();
  append(el, children);
}

export function toast(message, kind = 'info') {
  const item = h('div', { class: `toast ${kind}` }, message);
  document.getElementById('toasts').append(item);
  setTimeout(() => item.remove(), 5000);
}

export function loading(label = 'Loading') {
  return h('div', { class: 'state', 'aria-busy': 'true' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    `${label}…`);
}

export function empty(title, text, action) {
  return h('div', { class: 'state empty' }, h('p', { class: 'state-title' }, title), h('p', {}, text), action);
}

export function failed(error, retry) {
  return h('div', { class: 'state error', role: 'alert' }, h('p', { class: 'state-title' }, 'Something went wrong'),
    h('p', {}, error.message), retry && h('button', { type: 'button', class: 'button', onclick: retry }, 'Try again'));
}

export function pageHeader(title, subtitle, ...actions) {
  return h('div', { class: 'page-header' },
    h('div', {}, h('h1', {}, title), subtitle && h('p', { class: 'muted' }, subtitle)),
    h('div', { class: 'actions' }, actions));
}

export function badge(phase) {
  return h('span', { class: `badge ${phase}` }, phase);
}

/** Asset phases that are still moving: their pages refresh until they settle. */
export const ASSET_UNFINISHED = new Set(['uploading', 'waiting', 'processing', 'deleting']);

/** An asset's phase, with its progress while it is still being made. */
export function assetStatus(asset) {
  const phase = asset.status?.phase || 'waiting';
  return h('div', { class: 'status-cell' }, badge(phase),
    ASSET_UNFINISHED.has(phase) && asset.status?.progress !== undefined
      ? progressBar(asset.status.progress, `${asset.name} progress`) : null);
}

export function progressBar(fraction, label) {
  const percent = Math.round(Math.max(0, Math.min(1, fraction || 0)) * 100);
  const bar = h('div', { class: 'bar' });
  // Through the CSSOM: the Content-Security-Policy refuses style attributes.
  bar.style.width = `${percent}%`;
  return h('div', { class: 'progress', role: 'progressbar', 'aria-label': label, 'aria-valuemin': '0',
    'aria-valuemax': '100', 'aria-valuenow': String(percent) }, bar);
}

export function copyField(label, value) {
  const id = `copy-${Math.random().toString(36).slice(2)}`;
  const input = h('input', { id, class: 'input mono', readonly: true, value });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      toast(`${label} copied`);
    } catch {
      input.select();
      toast('Press Ctrl+C to copy', 'info');
    }
  };
  return h('div', { class: 'field' }, h('label', { for: id }, label),
    h('div', { class: 'copy' }, input, h('button', { type: 'button', class: 'button', onclick: copy,
      'aria-label': `Copy ${label}` }, 'Copy')));
}

export function confirmDialog(title, text, confirmLabel) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'aria-labelledby': 'dialog-title' },
      h('h2', { id: 'dialog-title' }, title), h('p', {}, text),
      h('form', { method: 'dialog', class: 'actions' },
        h('button', { class: 'button', value: 'cancel' }, 'Cancel'),
        h('button', { class: 'button danger', value: 'confirm' }, confirmLabel)));
    dialog.addEventListener('close', () => {
      resolve(dialog.returnValue === 'confirm');
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

export function date(millis) {
  return millis ? new Date(millis).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '—';
}

export function duration(seconds) {
  if (!seconds && seconds !== 0) return '—';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

export function bytes(n) {
  if (!n && n !== 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return `${n.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

/** Previous/Next over a cursor-paged list: cursors is the stack of page URLs seen, null for the first page. */
export function cursorButtons(cursors, next, load) {
  return [
    h('button', { class: 'button', type: 'button', disabled: cursors.length === 1, onclick: () => {
      cursors.pop();
      load();
    } }, 'Previous'),
    h('button', { class: 'button', type: 'button', disabled: !next, onclick: () => {
      cursors.push(next);
      load();
    } }, 'Next')];
}
