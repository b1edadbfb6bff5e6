// The HLS player: hls.js (vendored, loaded by the page as window.Hls) with a rendition picker.
import { h } from './ui.js';

export function attachPlayer(stage, url) {
  const video = h('video', { id: 'player', controls: true, playsinline: true, preload: 'metadata',
    'aria-label': 'Video player' });
  const select = h('select', { id: 'rendition', class: 'input', disabled: true }, h('option', { value: '-1' }, 'Auto'));
  const now = h('span', { class: 'muted', id: 'rendition-now', 'aria-live': 'polite' });
  stage.append(video, h('div', { class: 'player-bar' },
    h('label', { for: 'rendition' }, 'Quality'), select, now));

  const Hls = window.Hls;
  if (Hls && Hls.isSupported()) {
    const hls = new Hls({ enableWorker: true });
    hls.on(Hls.Events.MANIFEST_PARSED, (_, data) => {
      data.levels.forEach((level, index) => select.append(h('option', { value: String(index) },
        `${level.height}p · ${Math.round(level.bitrate / 1000)} kb/s`)));
      select.disabled = false;
    });
    hls.on(Hls.Events.LEVEL_SWITCHED, (_, data) => {
      const level = hls.levels[data.level];
      video.dataset.height = String(level.height);
      now.textContent = `Playing ${level.height}p`;
    });
    hls.on(Hls.Events.ERROR, (_, data) => {
      if (data.fatal) now.textContent = `Playback error: ${data.details}`;
    });
    select.addEventListener('change', () => {
      hls.currentLevel = Number(select.value);
    });
    hls.loadSource(url);
    hls.attachMedia(video);
    return { destroy: () => hls.destroy() };
  }
  // Safari plays HLS natively; it picks the rendition itself.
  video.src = url;
  now.textContent = 'Quality chosen by the browser';
  return { destroy: () => video.removeAttribute('src') };
}
