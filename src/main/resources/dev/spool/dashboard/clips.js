// An asset's clips: the list, each with its processing progress, and a new clip made by marking in and out on the
// player (POST /api/clip, times in milliseconds from the asset's start).
import { api, page } from './api.js';
import { ASSET_UNFINISHED, assetStatus, date, duration, empty, failed, h, loading, mount, toast } from './ui.js';

const REFRESH_MILLIS = 2000;

/** 75.25 → "1:15.3": a mark is shown to a tenth of a second, as the player's time is read. */
function clock(seconds) {
  const minutes = Math.floor(seconds / 60);
  return `${minutes}:${(seconds - minutes * 60).toFixed(1).padStart(4, '0')}`;
}

function typing(target) {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT']
    .includes(target.tagName));
}

function clipMaker(asset, video, created) {
  const marks = { in: null, out: null };
  const range = h('p', { class: 'clip-range unset', id: 'clip-range', 'aria-live': 'polite' });
  const error = h('p', { class: 'form-error', role: 'alert', id: 'clip-error' });
  const name = h('input', { id: 'clip-name', class: 'input', maxlength: '500', placeholder: `${asset.name} (clip)` });
  const create = h('button', { class: 'button primary', type: 'submit', id: 'clip-create', disabled: true },
    'Create clip');
  const show = () => {
    const both = marks.in !== null && marks.out !== null;
    const valid = both && marks.in < marks.out;
    range.textContent = marks.in === null && marks.out === null
      ? 'Play or seek, then mark where the clip starts and ends.'
      : `In ${marks.in === null ? '—' : clock(marks.in)} → Out ${marks.out === null ? '—' : clock(marks.out)}`
        + (valid ? ` · ${(marks.out - marks.in).toFixed(1)} s` : '');
    range.classList.toggle('unset', !valid);
    error.textContent = both && !valid ? 'The out point must come after the in point.' : '';
    create.disabled = !valid;
  };
  const mark = (which) => () => {
    marks[which] = video.currentTime;
    show();
  };
  const markIn = h('button', { type: 'button', class: 'button', id: 'mark-in', 'aria-keyshortcuts': 'I',
    onclick: mark('in') }, 'Mark in');
  const markOut = h('button', { type: 'button', class: 'button', id: 'mark-out', 'aria-keyshortcuts': 'O',
    onclick: mark('out') }, 'Mark out');
  // I and O mark from anywhere on the page, as in video editors, except while typing in a field.
  const keys = (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
    const key = event.key.toLowerCase();
    if (key === 'i') markIn.click();
    else if (key === 'o') markOut.click();
  };
  document.addEventListener('keydown', keys);
  const submit = async (e) => {
    e.preventDefault();
    if (!(marks.in < marks.out)) return;
    create.disabled = true;
    const body = { playbackId: asset.playbackId, startTime: Math.round(marks.in * 1000),
      endTime: Math.round(marks.out * 1000) };
    if (name.value.trim()) body.name = name.value.trim();
    try {
      const made = await api.post('/api/clip', body);
      toast(`Making clip “${made.asset.name}”`);
      marks.in = null;
      marks.out = null;
      name.value = '';
      show();
      created();
    } catch (err) {
      error.textContent = err.message;
      create.disabled = false;
    }
  };
  const form = h('form', { class: 'clip-maker', id: 'clip-form', 'aria-labelledby': 'clip-form-title', onsubmit: submit },
    h('h3', { id: 'clip-form-title' }, 'Make a clip'),
    h('div', { class: 'clip-marks' }, markIn, markOut, range),
    h('p', { class: 'muted' }, 'Keys: ', h('kbd', {}, 'I'), ' marks in, ', h('kbd', {}, 'O'), ' marks out.'),
    h('div', { class: 'inline-form' },
      h('div', { class: 'field grow' }, h('label', { for: 'clip-name' }, 'Clip name'), name), create),
    error);
  show();
  return { form, stop: () => document.removeEventListener('keydown', keys) };
}

/**
 * An asset's clips: the form that marks a new one (shown under the player; null while the asset cannot be clipped,
 * video being the player's element) and the Clips card that lists them.
 */
export function clipsSection(asset, video) {
  let timer = null;
  let stopped = false;
  const list = h('div', {}, loading('Loading clips'));
  const maker = video ? clipMaker(asset, video, () => load()) : null;

  async function load() {
    clearTimeout(timer);
    try {
      const { items } = await page(`/api/asset/${encodeURIComponent(asset.id)}/clips?limit=100`);
      if (stopped) return;
      render(items);
      if (items.some((c) => ASSET_UNFINISHED.has(c.status?.phase))) timer = setTimeout(load, REFRESH_MILLIS);
    } catch (error) {
      if (!stopped) mount(list, failed(error, load));
    }
  }

  function render(items) {
    if (!items.length) {
      mount(list, empty('No clips yet', video ? 'Mark in and out on the player to make one.'
        : 'Clips can be made once the asset is ready.'));
      return;
    }
    mount(list, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'clips-table' },
      h('thead', {}, h('tr', {}, ['Clip', 'Status', 'Duration', 'Created'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((c) => h('tr', { dataset: { clipId: c.id, phase: c.status?.phase || 'waiting' } },
        h('td', { class: 'name' }, h('a', { href: `#/assets/${encodeURIComponent(c.id)}` }, c.name)),
        h('td', { 'data-label': 'Status' }, assetStatus(c)),
        h('td', { 'data-label': 'Duration' }, duration(c.videoSpec?.duration)),
        h('td', { 'data-label': 'Created' }, date(c.createdAt))))))));
  }

  load();
  return {
    maker: maker?.form ?? null,
    section: h('section', { class: 'card stack', 'aria-labelledby': 'clips-title', id: 'clips' },
      h('h2', { id: 'clips-title' }, 'Clips'), list),
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      maker?.stop();
    },
  };
}
