// The HLS player: hls.js (vendored, loaded by the page as window.Hls) with a rendition picker and a seek bar
// that previews the keyframe pictures of the thumbnails track.
import { h } from './ui.js';

async function thumbnailCues(vttUrl) {
  const response = await fetch(vttUrl);
  if (!response.ok) return [];
  const seconds = (t) => t.split(':').reduce((sum, part) => sum * 60 + Number(part), 0);
  const cues = [];
  const lines = (await response.text()).split('\n');
  lines.forEach((line, i) => {
    const times = /^([\d:.]+)\s+-->\s+([\d:.]+)/.exec(line);
    if (times && lines[i + 1]) {
      cues.push({ start: seconds(times[1]), end: seconds(times[2]), url: new URL(lines[i + 1].trim(), vttUrl).href });
    }
  });
  return cues;
}

function scrubber(video, vttUrl) {
  const preview = h('img', { class: 'scrub-preview', id: 'scrub-preview', alt: '', hidden: true });
  const range = h('input', { id: 'scrub', type: 'range', min: '0', max: '0', step: '0.1', value: '0',
    class: 'scrub-range', 'aria-label': 'Seek, with a preview picture' });
  let cues = [];
  thumbnailCues(vttUrl).then((found) => {
    cues = found;
  }).catch(() => {});
  const show = (time) => {
    const cue = cues.find((c) => time >= c.start && time < c.end);
    if (!cue) {
      preview.hidden = true;
      return;
    }
    if (preview.getAttribute('src') !== cue.url) preview.src = cue.url;
    // Through the CSSOM: the Content-Security-Policy refuses style attributes.
    preview.style.left = `${(time / (Number(range.max) || 1)) * 100}%`;
    preview.hidden = false;
  };
  video.addEventListener('loadedmetadata', () => {
    range.max = String(video.duration || 0);
  });
  video.addEventListener('timeupdate', () => {
    if (document.activeElement !== range) range.value = String(video.currentTime);
  });
  range.addEventListener('input', () => show(Number(range.value)));
  range.addEventListener('change', () => {
    video.currentTime = Number(range.value);
    preview.hidden = true;
  });
  range.addEventListener('pointermove', (e) => {
    const box = range.getBoundingClientRect();
    show(((e.clientX - box.left) / box.width) * Number(range.max));
  });
  range.addEventListener('pointerleave', () => {
    preview.hidden = true;
  });
  range.addEventListener('blur', () => {
    preview.hidden = true;
  });
  return h('div', { class: 'scrub' }, preview, range);
}

export function attachPlayer(stage, url, thumbnailsUrl) {
  const video = h('video', { id: 'player', controls: true, playsinline: true, preload: 'metadata',
    'aria-label': 'Video player' });
  const select = h('select', { id: 'rendition', class: 'input', disabled: true }, h('option', { value: '-1' }, 'Auto'));
  const now = h('span', { class: 'muted', id: 'rendition-now', 'aria-live': 'polite' });
  if (thumbnailsUrl) stage.append(video, scrubber(video, thumbnailsUrl));
  else stage.append(video);
  stage.append(h('div', { class: 'player-bar' },
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
    return { video, destroy: () => hls.destroy() };
  }
  // Safari plays HLS natively; it picks the rendition itself.
  video.src = url;
  now.textContent = 'Quality chosen by the browser';
  return { video, destroy: () => video.removeAttribute('src') };
}
