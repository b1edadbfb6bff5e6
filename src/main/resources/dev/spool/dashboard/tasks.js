// Tasks: filters by type and phase, live progress over SSE for unfinished tasks, cancel and retry.
import { api, events, listPath, page } from './api.js';
import { badge, date, empty, failed, h, loading, mount, pageHeader, cursorButtons, progressBar, toast } from './ui.js';

const TYPES = ['upload', 'export', 'export-data', 'transcode-file', 'clip'];
const PHASES = ['pending', 'waiting', 'running', 'failed', 'completed', 'cancelled'];
const UNFINISHED = new Set(['pending', 'waiting', 'running']);
// A browser opens about six connections to one server: a few event streams leave room for everything else.
const MAX_STREAMS = 3;
const RELOAD_MILLIS = 5000;

function select(id, label, options) {
  return [h('label', { for: id, class: 'visually-hidden' }, label),
    h('select', { id, class: 'input' }, h('option', { value: '' }, `All ${label.toLowerCase()}s`),
      options.map((o) => h('option', { value: o }, o)))];
}

export function tasksPage(main) {
  const streams = new Map();
  let reload = null;
  let cursors = [null];
  const [typeLabel, type] = select('task-type', 'Type', TYPES);
  const [phaseLabel, phase] = select('task-phase', 'Phase', PHASES);
  const body = h('div', {});
  const pager = h('div', { class: 'pager' });
  for (const control of [type, phase]) control.addEventListener('change', () => {
    cursors = [null];
    load();
  });
  mount(main, pageHeader('Tasks', 'Uploads, imports and exports, live.'),
    h('div', { class: 'toolbar' }, typeLabel, type, phaseLabel, phase), body, pager);

  function stopStreams() {
    clearTimeout(reload);
    for (const controller of streams.values()) controller.abort();
    streams.clear();
  }

  async function load(quiet = false) {
    stopStreams();
    if (!quiet) mount(body, loading('Loading tasks'));
    const filters = [];
    if (type.value) filters.push({ id: 'type', value: type.value });
    if (phase.value) filters.push({ id: 'phase', value: phase.value });
    try {
      const result = await page(cursors[cursors.length - 1] || listPath('/api/task', { limit: '20' }, filters));
      render(result);
    } catch (error) {
      mount(body, failed(error, () => load()));
    }
  }

  function render({ items, next }) {
    if (!items.length) {
      mount(body, empty('No tasks', type.value || phase.value
        ? 'No task matches these filters.' : 'Tasks appear here when you upload or import a video.'));
    } else {
      mount(body, h('ul', { class: 'task-list', id: 'task-list', 'aria-label': 'Tasks' }, items.map(row)));
      // Tasks beyond the streamed few are refreshed with the list, one request at a time.
      if (items.filter((t) => UNFINISHED.has(t.status.phase)).length > MAX_STREAMS) {
        reload = setTimeout(() => load(true), RELOAD_MILLIS);
      }
    }
    mount(pager, ...cursorButtons(cursors, next, load));
  }

  function row(task) {
    const item = h('li', { class: 'task card', dataset: { taskId: task.id } });
    fill(item, task);
    if (UNFINISHED.has(task.status.phase)) follow(item, task.id);
    return item;
  }

  function fill(item, task) {
    const p = task.status.phase;
    item.dataset.phase = p;
    const asset = task.outputAssetId || task.inputAssetId;
    const act = (verb) => async () => {
      try {
        const updated = await api.post(`/api/task/${encodeURIComponent(task.id)}/${verb}`);
        toast(verb === 'cancel' ? 'Task cancelled' : 'Task queued again');
        fill(item, updated);
        if (UNFINISHED.has(updated.status.phase)) follow(item, task.id);
      } catch (error) {
        toast(error.message, 'error');
      }
    };
    mount(item,
      h('div', { class: 'task-head' },
        h('div', {}, h('strong', { class: 'task-type' }, task.type), ' ', badge(p)),
        h('div', { class: 'actions' },
          UNFINISHED.has(p) ? h('button', { class: 'button', type: 'button', onclick: act('cancel') }, 'Cancel') : null,
          p === 'failed' || p === 'cancelled'
            ? h('button', { class: 'button', type: 'button', onclick: act('retry') }, 'Retry') : null)),
      p === 'running' ? progressBar(task.status.progress, `${task.type} task progress`) : null,
      task.status.errorMessage ? h('pre', { class: 'task-error' }, task.status.errorMessage) : null,
      h('div', { class: 'task-meta muted' },
        h('span', {}, `Created ${date(task.createdAt)}`),
        task.status.retries ? h('span', {}, `Retries ${task.status.retries}`) : null,
        asset ? h('a', { href: `#/assets/${encodeURIComponent(asset)}` }, 'Asset') : null,
        h('span', { class: 'mono' }, task.id)));
  }

  function follow(item, id) {
    if (streams.has(id) || streams.size >= MAX_STREAMS) return;
    const controller = new AbortController();
    streams.set(id, controller);
    events(`/api/task/${encodeURIComponent(id)}/events`, (_, task) => fill(item, task), controller.signal)
      // Aborted when the page is left; a stream that breaks leaves the row as last seen until the next load.
      .catch(() => {})
      .finally(() => streams.delete(id));
  }

  load();
  return stopStreams;
}
