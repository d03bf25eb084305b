// Exact amounts: the API sends uint256 values as decimal strings; they are scaled with BigInt, never floats.
export function formatUnits(value, decimals) {
  if (value === undefined || value === null || value === '') return '';
  if (decimals === null || decimals === undefined) return groupDigits(String(value));
  let v = BigInt(value);
  const negative = v < 0n;
  if (negative) v = -v;
  const base = 10n ** BigInt(decimals);
  const whole = v / base;
  let frac = (v % base).toString().padStart(decimals, '0').replace(/0+$/, '');
  return (negative ? '-' : '') + groupDigits(whole.toString()) + (frac ? '.' + frac : '');
}

function groupDigits(s) {
  const negative = s.startsWith('-');
  const digits = negative ? s.slice(1) : s;
  return (negative ? '-' : '') + digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A float for plotting only (the chart's table and tooltips show the exact string). */
export function toNumber(value, decimals) {
  const s = formatUnits(value, decimals ?? 0).replace(/,/g, '');
  return Number(s);
}

export function shortAddress(a) {
  return a && a.length > 14 ? a.slice(0, 8) + '…' + a.slice(-6) : a;
}

export function enumName(value, prefix) {
  if (!value) return '';
  return value.startsWith(prefix) ? value.slice(prefix.length).toLowerCase().replace(/_/g, ' ') : value;
}

export function time(ts) {
  if (!ts) return '—';
  return ts.replace('T', ' ').replace('Z', ' UTC');
}

export function duration(seconds) {
  const s = Number(seconds);
  if (!Number.isFinite(s)) return '—';
  if (s < 120) return s + ' s';
  if (s < 7200) return Math.round(s / 60) + ' min';
  if (s < 172800) return Math.round(s / 3600) + ' h';
  return Math.round(s / 86400) + ' days';
}

export function tokenLabel(row) {
  if (row.symbol) return row.symbol;
  if (row.token === 'native') return 'native';
  return shortAddress(row.token);
}
