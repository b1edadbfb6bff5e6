// Upload: many files at once over tus, each with progress, speed and ETA; and import from a URL.
import { api } from './api.js';
import { TusUpload, unfinished } from './tus.js';
import { bytes, h, mount, pageHeader, progressBar, toast } from './ui.js';

function eta(seconds) {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s`;
}

function baseName(name) {
  return name.replace(/\.[^.]+$/, '') || name;
}

export function uploadPage(main) {
  const uploads = [];
  const list = h('ul', { class: 'upload-list', id: 'upload-list', 'aria-label': 'Uploads' });
  const picker = h('input', { id: 'file-input', type: 'file', accept: 'video/*,audio/*', multiple: true,
    class: 'visually-hidden' });
  const drop = h('div', { class: 'dropzone', id: 'dropzone' },
    h('p', { class: 'state-title' }, 'Drop video files here'),
    h('p', { class: 'muted' }, 'Several at once. Uploads resume if the connection drops: pick the same file again.'),
    h('label', { for: 'file-input', class: 'button primary' }, 'Choose files'), picker);
  picker.addEventListener('change', () => {
    start([...picker.files]);
    picker.value = '';
  });
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    start([...e.dataTransfer.files]);
  });

  const url = h('input', { id: 'import-url', class: 'input', type: 'url', required: true,
    placeholder: 'https://example.com/video.mp4' });
  const name = h('input', { id: 'import-name', class: 'input', placeholder: 'Taken from the URL if empty' });
  const importError = h('p', { class: 'form-error', role: 'alert' });
  const importForm = h('form', { class: 'stack', id: 'import-form', onsubmit: async (e) => {
    e.preventDefault();
    importError.textContent = '';
    const assetName = name.value.trim() || decodeURIComponent(new URL(url.value).pathname.split('/').pop() || 'Imported video');
    try {
      const created = await api.post('/api/asset/upload/url', { url: url.value.trim(), name: assetName });
      toast(`Importing “${created.asset.name}”`);
      location.hash = '#/tasks';
    } catch (error) {
      importError.textContent = error.message;
    }
  } }, h('div', { class: 'field' }, h('label', { for: 'import-url' }, 'Video URL'), url),
  h('div', { class: 'field' }, h('label', { for: 'import-name' }, 'Name'), name), importError,
  h('div', {}, h('button', { class: 'button primary', type: 'submit' }, 'Import')));

  const pending = unfinished();
  const resumable = pending.length ? h('div', { class: 'callout info', id: 'unfinished' },
    h('strong', {}, 'Unfinished uploads'), h('p', {}, 'Pick the same file again to continue where it stopped:'),
    h('ul', {}, pending.map((u) => h('li', {}, `${u.name} (${bytes(u.size)})`)))) : null;

  mount(main, pageHeader('Upload', 'Add videos from this computer or from a URL.'),
    h('div', { class: 'grid-2' },
      h('section', { class: 'card stack', 'aria-labelledby': 'files-title' },
        h('h2', { id: 'files-title' }, 'From your computer'), resumable, drop, list),
      h('section', { class: 'card stack', 'aria-labelledby': 'import-title' },
        h('h2', { id: 'import-title' }, 'Import from a URL'), importForm)));

  function start(files) {
    for (const file of files) uploads.push(uploadOne(file));
  }

  function uploadOne(file) {
    const bar = h('div', {});
    const info = h('span', { class: 'muted' }, 'Starting…');
    const link = h('span', {});
    const item = h('li', { class: 'upload-item', dataset: { file: file.name } },
      h('div', { class: 'upload-head' }, h('strong', {}, file.name), h('span', { class: 'muted' }, bytes(file.size))),
      bar, h('div', { class: 'upload-foot' }, info, link));
    list.append(item);
    mount(bar, progressBar(0, `${file.name} upload progress`));
    const started = performance.now();
    let firstOffset = null;
    const task = (async () => {
      const newUpload = async () => {
        const created = await api.post('/api/asset/request-upload', { name: baseName(file.name) });
        return { endpoint: created.tusEndpoint, assetId: created.asset.id };
      };
      const upload = new TusUpload(file, { newUpload, onProgress: (sent, total) => {
        if (firstOffset === null) firstOffset = sent;
        const seconds = (performance.now() - started) / 1000;
        const speed = seconds > 0 ? (sent - firstOffset) / seconds : 0;
        mount(bar, progressBar(total ? sent / total : 1, `${file.name} upload progress`));
        const resumed = firstOffset > 0 ? ` · resumed at ${Math.round((firstOffset / total) * 100)}%` : '';
        info.textContent = `${Math.round((total ? sent / total : 1) * 100)}% · ${bytes(speed)}/s · ${eta(speed > 0 ? (total - sent) / speed : Infinity)} left${resumed}`;
      } });
      const id = await upload.start();
      info.textContent = upload.resumedAt > 0
        ? `Uploaded (resumed at ${Math.round((upload.resumedAt / file.size) * 100)}%) — processing`
        : 'Uploaded — processing';
      item.classList.add('done');
      mount(link, h('a', { href: `#/assets/${encodeURIComponent(id)}` }, 'Open asset'));
    })().catch((error) => {
      item.classList.add('failed');
      info.textContent = `Failed: ${error.message}`;
      info.setAttribute('role', 'alert');
    });
    return task;
  }
}
