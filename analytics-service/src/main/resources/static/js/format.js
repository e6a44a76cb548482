// Number formatting. Money arrives as an exact decimal (string or JSON number kept as its source
// text, see api.js) and is formatted by string arithmetic, never through a float.

const integer = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});
const oneDecimal = new Intl.NumberFormat('en-US', {minimumFractionDigits: 0, maximumFractionDigits: 1});

export function count(value) {
  if (value === null || value === undefined || value === '') return '–';
  return integer.format(Number(value));
}

export function decimal1(value) {
  if (value === null || value === undefined || value === '') return '–';
  return oneDecimal.format(Number(value));
}

/** Rates are percentages with one decimal, as the API gives them. */
export function percent(value) {
  if (value === null || value === undefined || value === '') return '–';
  return `${oneDecimal.format(Number(value))}%`;
}

export function ms(value) {
  if (value === null || value === undefined || value === '') return '–';
  return `${integer.format(Math.round(Number(value)))} ms`;
}

/** "0.000450000000" -> "$0.00045", "1234.5" -> "$1,234.50": exact, at least two decimals. */
export function money(value) {
  if (value === null || value === undefined || value === '') return '–';
  let text = String(value).trim();
  if (/e/i.test(text)) text = Number(text).toFixed(18); // only from a lossy producer; keep it readable
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  let [whole, fraction = ''] = text.split('.');
  fraction = fraction.replace(/0+$/, '');
  if (fraction.length < 2) fraction = fraction.padEnd(2, '0');
  whole = (whole || '0').replace(/^0+(?=\d)/, '').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}$${whole}.${fraction}`;
}

/**
 * Money as a person reads it: cents ("$1,234.57") from one cent up, two significant digits below
 * ("$0.00045", "$0.0000012"), rounded half up by string arithmetic like money(). The exact value
 * stays available: dom.money() puts it in the tooltip, and exports and data-value carry it.
 */
export function moneyRounded(value) {
  if (value === null || value === undefined || value === '') return '–';
  let text = String(value).trim();
  if (/e/i.test(text)) text = Number(text).toFixed(18);
  const negative = text.startsWith('-');
  if (negative) text = text.slice(1);
  const [whole = '0', fraction = ''] = text.split('.');
  let places = 2;
  if (/^0*$/.test(whole) && /^00/.test(fraction) && /[1-9]/.test(fraction)) {
    places = fraction.search(/[1-9]/) + 2; // sub-cent: two significant digits
  }
  let rounded = roundHalfUp(whole.replace(/^0+(?=\d)/, '') || '0', fraction, places);
  if (places > 2 && /^0\.0[1-9]|^0\.[1-9]|^[1-9]/.test(rounded)) { // carried up to a cent: 0.0099999 -> 0.01
    const [w, f] = rounded.split('.');
    rounded = roundHalfUp(w, f, 2);
  }
  const [roundedWhole, roundedFraction] = rounded.split('.');
  const sign = negative && /[1-9]/.test(rounded) ? '-' : '';
  return `${sign}$${roundedWhole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${roundedFraction}`;
}

/** whole.fraction rounded half up to `places` decimals, as a decimal string. */
function roundHalfUp(whole, fraction, places) {
  const digits = (whole + fraction.padEnd(places, '0').slice(0, places)).split('').map(Number);
  if (Number(fraction[places] ?? 0) >= 5) {
    let i = digits.length - 1;
    while (i >= 0 && digits[i] === 9) digits[i--] = 0;
    if (i < 0) digits.unshift(1);
    else digits[i]++;
  }
  const all = digits.join('');
  const cut = all.length - places;
  return places ? `${all.slice(0, cut) || '0'}.${all.slice(cut)}` : all;
}

/**
 * A total that may leave executions out (docs/pricing.md, "No silent $0"): the exact sum when every
 * execution in it is priced, "unknown" when none is, "$sum + N unpriced" when some are. Cost that is
 * not known is never shown as $0.
 */
export function cost(total, unpriced, executions) {
  const missing = Number(unpriced ?? 0);
  if (!missing) return moneyRounded(total);
  const nothingPriced = total === null || total === undefined || total === ''
    || (executions !== undefined && executions !== null && Number(executions) <= missing);
  if (nothingPriced) return 'unknown';
  return `${moneyRounded(total)} + ${count(missing)} unpriced`;
}

/** One execution's exact cost: "unpriced" when it has none (pricing_status other than priced). */
export function executionCost(total, pricingStatus) {
  if (total !== null && total !== undefined && total !== '') return money(total);
  return pricingStatus && String(pricingStatus).toLowerCase() !== 'priced' ? 'unpriced' : '–';
}

export function dateTime(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z').replace('Z', ' UTC');
}

export function clock(date) {
  return date.toISOString().slice(11, 19) + ' UTC';
}

/** Compact axis label for a bucket start. */
export function bucketLabel(iso, bucket) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return bucket === 'hour' ? d.toISOString().slice(5, 16).replace('T', ' ') : d.toISOString().slice(0, 10);
}
