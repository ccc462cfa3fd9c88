// The API as the console calls it: the credential from sessionStorage as a bearer header (never in a
// URL), JSON in and out, the contract's error JSON turned into an ApiError that knows its field.
const KEY = 'scanlot.credential';

export const credential = {
  get: () => sessionStorage.getItem(KEY),
  set: (v) => sessionStorage.setItem(KEY, v),
  clear: () => sessionStorage.removeItem(KEY),
};

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
  /** the field a 400 names: its message starts with it ("prizes[0].probability: must be …") */
  get field() {
    const m = /^([A-Za-z0-9_.[\]]+):/.exec(this.message);
    return this.status === 400 && m ? m[1] : null;
  }
}

const headers = (json) => ({ authorization: `Bearer ${credential.get() ?? ''}`, ...(json ? { 'content-type': 'application/json' } : {}) });

async function failure(r) {
  const text = await r.text();
  let j = null;
  try { j = JSON.parse(text); } catch { /* not JSON */ }
  if (r.status === 401) window.dispatchEvent(new Event('scanlot:unauthorized'));
  return j && j.error ? new ApiError(r.status, j.error.code, j.error.message) : new ApiError(r.status, 'http', `HTTP ${r.status}`);
}

export async function api(method, path, body) {
  const r = await fetch(path, { method, headers: headers(body !== undefined), body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw await failure(r);
  return r.json();
}

/** `path` as a Blob (an image the API serves behind the credential: an <img> cannot send it) */
export async function blob(path) {
  const r = await fetch(path, { headers: headers(false) });
  if (!r.ok) throw await failure(r);
  return r.blob();
}

/** Downloads `path` as a file named `filename`, reporting bytes received (and the total when known). */
export async function download(path, filename, onProgress) {
  const r = await fetch(path, { headers: headers(false) });
  if (!r.ok) throw await failure(r);
  const total = Number(r.headers.get('content-length') ?? 0);
  const reader = r.body.getReader();
  const parts = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
    received += value.length;
    onProgress?.(received, total);
  }
  const url = URL.createObjectURL(new Blob(parts, { type: r.headers.get('content-type') ?? 'application/octet-stream' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return received;
}
