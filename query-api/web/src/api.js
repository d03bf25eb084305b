// The only way the app talks to the API: same-origin fetches of the public REST routes with the signed-in user's
// bearer token, problem documents turned into errors that name the parameter, and Server-Sent Events read through
// fetch (EventSource cannot send an Authorization header).
import { session } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem && problem.detail ? problem.detail : 'HTTP ' + status);
    this.status = status;
    this.problem = problem || {};
  }
}

function headers(extra = {}) {
  const s = session();
  return { accept: 'application/json', ...(s ? { authorization: 'Bearer ' + s.token } : {}), ...extra };
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

export async function api(path, { method = 'GET', body, contentType, signal } = {}) {
  const init = { method, headers: headers(), signal };
  if (body !== undefined) {
    init.headers['content-type'] = contentType || 'application/json';
    init.body = contentType ? body : JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = null; }
  if (!res.ok) throw new ApiError(res.status, json);
  return json;
}

let openApi;
/** The server's own OpenAPI document: which optional routes and parameters this deployment offers. */
export async function operations() {
  if (!openApi) openApi = fetch('/openapi.json', { headers: { accept: 'application/json' } }).then((r) => r.json()).catch(() => ({ paths: {} }));
  return openApi;
}

export async function offers(method, path, parameter) {
  const doc = await operations();
  const op = doc.paths && doc.paths[path] && doc.paths[path][method];
  if (!op) return false;
  if (!parameter) return true;
  return (op.parameters || []).some((p) => p.name === parameter || p.name === parameter.replace(/_([a-z])/g, (_, c) => c.toUpperCase()));
}

/**
 * Reads a Server-Sent Events route until closed: onEvent(name, json) per event. Returns a function that stops it.
 * onOpen runs once the server's first bytes (its ": subscribed" comment) arrived: rows indexed from then on come.
 * A failed stream (HTTP error, event: error, network) is reported once through onError.
 */
export function stream(path, onEvent, onError, onOpen) {
  const controller = new AbortController();
  (async () => {
    try {
      const res = await fetch(path, { headers: headers({ accept: 'text/event-stream' }), signal: controller.signal });
      if (!res.ok) {
        let problem = null;
        try { problem = await res.json(); } catch { problem = null; }
        throw new ApiError(res.status, problem);
      }
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      let opened = false;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!opened) {
          opened = true;
          if (onOpen) onOpen();
        }
        buffer += value;
        let cut;
        while ((cut = buffer.search(/\r?\n\r?\n/)) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut).replace(/^\r?\n\r?\n/, '');
          let event = 'message';
          const data = [];
          for (const line of block.split(/\r?\n/)) {
            if (line.startsWith(':')) continue;
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (!data.length) continue;
          const json = JSON.parse(data.join('\n'));
          if (event === 'error') throw new ApiError(json.status || 500, json);
          onEvent(event, json);
        }
      }
    } catch (e) {
      if (!controller.signal.aborted && onError) onError(e);
    }
  })();
  return () => controller.abort();
}
