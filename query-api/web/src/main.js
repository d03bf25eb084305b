// The app shell: hash routes (#/wallets, #/wallets/{id}, #/status, #/analytics), the session box and each page's
// lifecycle (a page returns a function that stops its streams and timers when another page opens).
import { h, replace, errorBox } from './dom.js';
import { loadConfig, completeSignIn, session, signIn, signOut, signInConfigured } from './auth.js';
import { walletsPage } from './pages/wallets.js';
import { walletPage } from './pages/wallet.js';
import { statusPage } from './pages/status.js';
import { analyticsPage } from './pages/analytics.js';

let stopPage = () => {};
let signInError = null;

function renderSession() {
  const box = document.getElementById('session');
  const s = session();
  if (s) {
    replace(box, h('span', { class: 'who' }, 'Signed in as ', h('strong', {}, s.name)),
      h('button', { type: 'button', class: 'secondary', onclick: () => { signOut(); renderSession(); route(); } }, 'Sign out'));
  } else if (signInConfigured()) {
    replace(box, h('button', { type: 'button', onclick: () => signIn() }, 'Sign in'));
  } else {
    replace(box, h('span', { class: 'who' }, 'Sign-in not configured'));
  }
}

function route() {
  stopPage();
  stopPage = () => {};
  const main = document.getElementById('main');
  const hash = location.hash || '#/wallets';
  const parts = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  for (const a of document.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === parts[0]) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  replace(main);
  if (signInError) {
    main.append(errorBox(signInError));
    signInError = null;
  }
  const container = h('div');
  main.append(container);
  let stop;
  if (parts[0] === 'wallets' && parts[1]) stop = walletPage(container, parts[1]);
  else if (parts[0] === 'status') stop = statusPage(container);
  else if (parts[0] === 'analytics') stop = analyticsPage(container);
  else stop = walletsPage(container);
  stopPage = typeof stop === 'function' ? stop : () => {};
  const heading = container.querySelector('h1');
  document.title = (heading ? heading.textContent + ' · ' : '') + 'chaintrack';
}

/** Moves focus to the new page's content after a navigation, so keyboard and screen-reader users land there. */
function focusMain() {
  document.getElementById('main').focus({ preventScroll: false });
}

async function start() {
  try {
    await loadConfig();
    const returnTo = await completeSignIn();
    if (returnTo) location.hash = returnTo;
  } catch (e) {
    signInError = e;
  }
  renderSession();
  window.addEventListener('hashchange', () => { route(); focusMain(); });
  route();
}

start();
