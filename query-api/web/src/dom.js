// Builds DOM nodes without innerHTML, so nothing the API returns is ever parsed as markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2).toLowerCase(), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let announceTimer;
/** Tells screen-reader users what changed (the polite live region of index.html). */
export function announce(text) {
  const region = document.getElementById('announcer');
  clearTimeout(announceTimer);
  region.textContent = '';
  announceTimer = setTimeout(() => { region.textContent = text; }, 50);
}

/** An error box that names what failed; role=alert so it is read out. */
export function errorBox(err) {
  return h('div', { class: 'error', role: 'alert' }, err && err.message ? err.message : String(err));
}

export function field(label, control, hint) {
  const id = control.id || (control.id = 'f' + Math.random().toString(36).slice(2, 9));
  const hintEl = hint ? h('span', { class: 'hint', id: id + '-hint' }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hintEl);
}

/**
 * A table that stays readable at phone width (class stack: each row becomes a block of "label: value" lines).
 * columns: [{label, num}], rows: arrays of cells (nodes or text); rowAttrs(i) gives a row's attributes.
 */
export function table(caption, columns, rows, rowAttrs) {
  const head = h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label))));
  const body = h('tbody', {}, rows.map((cells, i) => tableRow(columns, cells, rowAttrs ? rowAttrs(i) : {})));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'stack' }, caption ? h('caption', {}, caption) : null, head, body));
}

export function tableRow(columns, cells, attrs = {}) {
  return h('tr', attrs, cells.map((cell, j) => h('td', { 'data-label': columns[j].label, class: columns[j].num ? 'num' : null }, cell)));
}
