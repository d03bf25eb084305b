// Sign-in: OpenID Connect authorization code with PKCE (RFC 7636) in the browser, against the provider the API
// trusts (/app/config.json names it). The ID token, whose audience is the API's, is kept for this tab only
// (sessionStorage) and sent as a bearer token.
const KEY = 'chaintrack.session';
const PENDING = 'chaintrack.pending-sign-in';

let config = null;

export async function loadConfig() {
  const res = await fetch('/app/config.json', { headers: { accept: 'application/json' } });
  config = await res.json();
  if (!res.ok) config = { signIn: false, problem: config.detail || ('HTTP ' + res.status) };
  return config;
}

export function signInConfigured() {
  return !!(config && config.signIn);
}

export function session() {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  const s = JSON.parse(raw);
  if (s.expiresAt && s.expiresAt * 1000 < Date.now() + 5000) {
    sessionStorage.removeItem(KEY);
    return null;
  }
  return s;
}

export function signOut() {
  sessionStorage.removeItem(KEY);
}

function base64url(bytes) {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString() {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

// fixed, whichever of /app and /app/ the page was opened at: the provider compares it exactly
function redirectUri() {
  return location.origin + '/app/';
}

export async function signIn() {
  const verifier = randomString();
  const state = randomString();
  const nonce = randomString();
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce, returnTo: location.hash || '#/wallets' }));
  const url = new URL(config.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri(), scope: 'openid profile',
    state, nonce, code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

function claims(jwt) {
  const part = jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0))));
}

/** Finishes a sign-in when the provider redirected back here with ?code=…&state=…; returns the hash to show. */
export async function completeSignIn() {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) || 'null');
  sessionStorage.removeItem(PENDING);
  history.replaceState(null, '', '/app/' + (pending ? pending.returnTo : '#/wallets'));
  if (params.has('error')) throw new Error('sign-in refused by the provider: ' + (params.get('error_description') || params.get('error')));
  if (!pending || pending.state !== params.get('state')) throw new Error('sign-in answer does not match a sign-in started here; sign in again');
  const res = await fetch(config.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      client_id: config.clientId, code_verifier: pending.verifier,
    }).toString(),
  });
  const body = await res.json().catch(() => ({}));
  if (!res.ok || !body.id_token) throw new Error('the provider refused the sign-in code: ' + (body.error_description || body.error || 'HTTP ' + res.status));
  const c = claims(body.id_token);
  if (c.nonce !== undefined && c.nonce !== pending.nonce) throw new Error('the ID token answers another sign-in (nonce); sign in again');
  const s = { token: body.id_token, subject: c.sub, name: c.name || c.preferred_username || c.email || c.sub, expiresAt: c.exp };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return pending.returnTo;
}
