// A tus 1.0 client (core + creation) for Spool's upload endpoint. An upload's URL is remembered in localStorage
// under the file's fingerprint, so picking the same file after a page reload resumes where the bytes stopped.
const CHUNK = 8 * 1024 * 1024;
const STORE = 'spool.tus.';

export function fingerprint(file) {
  return `${STORE}${file.name}:${file.size}:${file.lastModified}`;
}

function remembered(file) {
  const raw = localStorage.getItem(fingerprint(file));
  return raw ? JSON.parse(raw) : null;
}

/** Uploads this browser started and did not finish: { name, size } each, to be picked again. */
export function unfinished() {
  return Object.keys(localStorage).filter((key) => key.startsWith(STORE))
    .map((key) => JSON.parse(localStorage.getItem(key)));
}

export class TusUpload {
  /**
   * newUpload() answers { endpoint, assetId } for a fresh upload, called only when there is nothing to resume;
   * onProgress(sent, total) runs after every chunk. start() answers the asset id.
   */
  constructor(file, { newUpload, onProgress }) {
    this.file = file;
    this.newUpload = newUpload;
    this.onProgress = onProgress;
    this.controller = new AbortController();
  }

  abort() {
    this.controller.abort();
  }

  async start() {
    let state = remembered(this.file);
    let offset = state ? await this.#offset(state.url) : null;
    if (offset === null) {
      const { endpoint, assetId } = await this.newUpload();
      state = { url: await this.#create(endpoint), assetId, name: this.file.name, size: this.file.size };
      localStorage.setItem(fingerprint(this.file), JSON.stringify(state));
      offset = 0;
    }
    this.resumedAt = offset;
    this.onProgress(offset, this.file.size);
    while (offset < this.file.size) {
      const chunk = this.file.slice(offset, Math.min(offset + CHUNK, this.file.size));
      offset = await this.#patch(state.url, offset, chunk);
      this.onProgress(offset, this.file.size);
    }
    localStorage.removeItem(fingerprint(this.file));
    return state.assetId;
  }

  async #create(endpoint) {
    const response = await fetch(endpoint, {
      method: 'POST',
      signal: this.controller.signal,
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Length': String(this.file.size),
        'Upload-Metadata': `filename ${btoa(unescape(encodeURIComponent(this.file.name)))}`,
      },
    });
    if (response.status !== 201) throw new Error(await reason(response, 'could not start the upload'));
    return new URL(response.headers.get('Location'), endpoint).href;
  }

  async #offset(url) {
    const response = await fetch(url, { method: 'HEAD', signal: this.controller.signal,
      headers: { 'Tus-Resumable': '1.0.0' } });
    if (!response.ok) return null;
    return Number(response.headers.get('Upload-Offset'));
  }

  async #patch(url, offset, chunk) {
    const response = await fetch(url, {
      method: 'PATCH',
      signal: this.controller.signal,
      headers: {
        'Tus-Resumable': '1.0.0',
        'Upload-Offset': String(offset),
        'Content-Type': 'application/offset+octet-stream',
      },
      body: chunk,
    });
    if (response.status !== 204) throw new Error(await reason(response, 'the upload was interrupted'));
    return Number(response.headers.get('Upload-Offset'));
  }
}

async function reason(response, fallback) {
  try {
    const body = await response.json();
    return body.errors.join('; ');
  } catch {
    return `${fallback} (${response.status})`;
  }
}
