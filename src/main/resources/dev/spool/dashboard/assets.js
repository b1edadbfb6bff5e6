// Assets: the list with search and cursor pages, and one asset's page with its player and files.
import { api, listPath, page, viewing } from './api.js';
import { attachPlayer } from './player.js';
import { clipsSection } from './clips.js';
import { ASSET_UNFINISHED, assetStatus, badge, bytes, confirmDialog, copyField, date, duration, empty, failed, h,
  loading, mount, pageHeader, cursorButtons, progressBar, toast } from './ui.js';

const REFRESH_MILLIS = 2000;
// How long typing must pause before the list is asked for: one request per pause, not one per key.
const SEARCH_DEBOUNCE_MILLIS = 250;

function resolution(asset) {
  const video = asset.videoSpec?.tracks?.find((t) => t.type === 'video');
  return video?.width ? `${video.width}×${video.height}` : '—';
}

export function assetsPage(main) {
  let timer = null;
  let typing = null;
  let query = '';
  let cursors = [null];
  // Each load's number: an answer that comes back after a newer load started is dropped, so a slow answer to an
  // earlier search never replaces the list of the latest one.
  let latest = 0;
  const search = h('input', { id: 'asset-search', class: 'input', type: 'search', placeholder: 'Search by name',
    'aria-label': 'Search assets by name', oninput: () => {
      clearTimeout(typing);
      typing = setTimeout(() => searchFor(search.value), SEARCH_DEBOUNCE_MILLIS);
    } });
  const body = h('div', {});
  const pager = h('div', { class: 'pager' });
  const form = h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    clearTimeout(typing);
    searchFor(search.value);
  } }, search, h('button', { class: 'button', type: 'submit' }, 'Search'));

  /** Lists the assets whose name contains the text, in any case (the API's full-text filter on name). */
  function searchFor(text) {
    if (text.trim() === query) return;
    query = text.trim();
    cursors = [null];
    load(true);
  }

  const other = viewing.user();
  mount(main, pageHeader('Assets', other ? `The videos of ${other.email}.` : 'Every video on this server that your key can see.',
    h('a', { class: 'button primary', href: '#/upload' }, 'Upload')), form, body, pager);

  async function load(quiet = false) {
    clearTimeout(timer);
    const mine = ++latest;
    if (!quiet) mount(body, loading('Loading assets'));
    const path = cursors[cursors.length - 1]
      || listPath('/api/asset', { limit: '20', details: '1' }, query ? [{ id: 'name', value: query }] : []);
    try {
      const result = await page(path);
      if (mine !== latest) return;
      render(result);
      if (result.items.some((a) => ASSET_UNFINISHED.has(a.status?.phase))) timer = setTimeout(() => load(true), REFRESH_MILLIS);
    } catch (error) {
      if (mine === latest) mount(body, failed(error, () => load()));
    }
  }

  function render({ items, next }) {
    if (!items.length) {
      mount(body, query
        ? empty('No asset name contains that', 'The search matches any part of a name, in any case. Clear it to see every asset.')
        : empty('No assets yet', 'Upload a video or import one from a URL to get started.',
          h('a', { class: 'button primary', href: '#/upload' }, 'Upload a video')));
      mount(pager);
      return;
    }
    mount(body, h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'assets-table' },
      h('thead', {}, h('tr', {}, ['Name', 'Status', 'Duration', 'Resolution', 'Created']
        .map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, items.map((a) => h('tr', { dataset: { assetId: a.id } },
        h('td', { class: 'name' }, h('a', { href: `#/assets/${encodeURIComponent(a.id)}` }, a.name)),
        h('td', { 'data-label': 'Status' }, assetStatus(a)),
        h('td', { 'data-label': 'Duration' }, duration(a.videoSpec?.duration)),
        h('td', { 'data-label': 'Resolution' }, resolution(a)),
        h('td', { 'data-label': 'Created' }, date(a.createdAt))))))));
    mount(pager, ...cursorButtons(cursors, next, load));
  }

  load();
  return () => {
    clearTimeout(timer);
    clearTimeout(typing);
  };
}

export function assetPage(main, id) {
  let timer = null;
  let player = null;
  let clips = null;
  mount(main, loading('Loading the asset'));

  async function load() {
    try {
      const asset = await api.get(`/api/asset/${encodeURIComponent(id)}?details=1`);
      let playback = null;
      if (asset.status?.phase === 'ready' && asset.playbackId) {
        playback = await api.get(`/api/playback/${encodeURIComponent(asset.playbackId)}`);
      }
      render(asset, playback);
      if (ASSET_UNFINISHED.has(asset.status?.phase)) timer = setTimeout(load, REFRESH_MILLIS);
    } catch (error) {
      mount(main, h('p', {}, h('a', { href: '#/assets' }, '← Assets')), failed(error, load));
    }
  }

  function render(asset, playback) {
    if (player) player.destroy();
    if (clips) clips.stop();
    player = null;
    const phase = asset.status?.phase;
    const sources = playback?.meta?.source || [];
    const hls = sources.find((s) => s.hrn === 'HLS (TS)');
    const stage = h('div', { class: 'player-stage' });
    if (hls) {
      player = attachPlayer(stage, hls.url, sources.find((s) => s.hrn === 'Thumbnails')?.url);
    } else {
      stage.append(h('div', { class: 'player-placeholder' },
        phase === 'failed' ? 'Processing failed' : h('span', {}, h('span', { class: 'spinner', 'aria-hidden': 'true' }),
          ` ${phase === 'ready' ? 'No stream' : 'Processing'}…`),
        ASSET_UNFINISHED.has(phase) && asset.status?.progress !== undefined
          ? progressBar(asset.status.progress, 'Processing progress') : null));
    }
    const name = h('input', { id: 'asset-name', class: 'input', value: asset.name, required: true });
    const rename = h('form', { class: 'inline-form', onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api.patch(`/api/asset/${encodeURIComponent(asset.id)}`, { name: name.value.trim() });
        toast('Renamed');
        load();
      } catch (error) {
        toast(error.message, 'error');
      }
    } }, h('div', { class: 'field grow' }, h('label', { for: 'asset-name' }, 'Name'), name),
    h('button', { class: 'button', type: 'submit' }, 'Rename'));
    const remove = h('button', { class: 'button danger', type: 'button', onclick: async () => {
      if (!await confirmDialog('Delete this asset?', `“${asset.name}” and all its files will be removed. This cannot be undone.`, 'Delete asset')) return;
      try {
        await api.del(`/api/asset/${encodeURIComponent(asset.id)}`);
        toast('Asset deleted');
        location.hash = '#/assets';
      } catch (error) {
        toast(error.message, 'error');
      }
    } }, 'Delete');
    clips = clipsSection(asset, phase === 'ready' && player ? player.video : null);
    const files = sources.filter((s) => s.hrn !== 'HLS (TS)' && s.hrn !== 'Thumbnails');
    mount(main,
      h('p', { class: 'crumbs' }, h('a', { href: '#/assets' }, '← Assets')),
      pageHeader(asset.name, null, badge(phase), remove),
      phase === 'failed' && asset.status?.errorMessage
        ? h('div', { class: 'callout error', role: 'alert' }, asset.status.errorMessage) : null,
      h('div', { class: 'grid-2' },
        h('section', { class: 'card', 'aria-label': 'Player' }, stage, clips.maker),
        h('section', { class: 'card stack', 'aria-labelledby': 'details-title' },
          h('h2', { id: 'details-title' }, 'Details'),
          h('dl', { class: 'facts' },
            h('dt', {}, 'Duration'), h('dd', {}, duration(asset.videoSpec?.duration)),
            h('dt', {}, 'Resolution'), h('dd', {}, resolution(asset)),
            h('dt', {}, 'Size'), h('dd', {}, bytes(asset.size)),
            h('dt', {}, 'Created'), h('dd', {}, date(asset.createdAt)),
            h('dt', {}, 'Asset id'), h('dd', { class: 'mono' }, asset.id)),
          rename)),
      clips.section,
      h('section', { class: 'card stack', 'aria-labelledby': 'urls-title' },
        h('h2', { id: 'urls-title' }, 'Playback and download'),
        asset.playbackUrl ? copyField('Playback URL (HLS)', asset.playbackUrl) : null,
        asset.downloadUrl ? copyField('Download URL', asset.downloadUrl) : null,
        !asset.playbackUrl && !asset.downloadUrl ? h('p', { class: 'muted' }, 'URLs appear once the asset is ready.') : null),
      files.length ? h('section', { class: 'card', 'aria-labelledby': 'files-title' },
        h('h2', { id: 'files-title' }, 'Renditions and files'),
        h('div', { class: 'table-wrap' }, h('table', { class: 'table', id: 'files-table' },
          h('thead', {}, h('tr', {}, ['Kind', 'Size', 'Resolution', 'Bitrate', ''].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, files.map((f) => h('tr', {},
            h('td', {}, f.hrn),
            h('td', { 'data-label': 'Size' }, bytes(f.size)),
            h('td', { 'data-label': 'Resolution' }, f.width ? `${f.width}×${f.height}` : '—'),
            h('td', { 'data-label': 'Bitrate' }, f.bitrate ? `${Math.round(f.bitrate / 1000)} kb/s` : '—'),
            h('td', {}, h('a', { href: f.url, download: '' }, 'Download')))))))) : null);
  }

  load();
  return () => {
    clearTimeout(timer);
    if (player) player.destroy();
    if (clips) clips.stop();
  };
}
