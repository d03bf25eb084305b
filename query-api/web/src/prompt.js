import { h } from './dom.js';
import { signIn, signInConfigured } from './auth.js';

/** What a page shows instead of its content when its routes need a signed-in user. */
export function signInPrompt(what) {
  if (!signInConfigured()) {
    return h('p', { class: 'notice' }, what + ' needs a signed-in user, and this server has no OpenID Connect provider configured (chaintrack.api.auth.oidc.issuer).');
  }
  return h('div', { class: 'notice' }, h('p', {}, what + ' needs you to sign in.'),
    h('button', { type: 'button', onclick: () => signIn() }, 'Sign in'));
}
