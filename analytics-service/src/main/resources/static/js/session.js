// The signed-in key lives in sessionStorage only: it survives a reload of this tab, not the tab
// itself, and is never written to the URL, localStorage or a cookie. Sign-out removes it.

const KEY = 'promptengine.session';
export const DEFAULT_PRICING_BASE = 'http://127.0.0.1:8082';

/** @returns {{key: string, analytics: boolean, pricing: boolean, pricingBase: string} | null} */
export function current() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY));
    return session && typeof session.key === 'string' ? session : null;
  } catch {
    return null;
  }
}

export function save(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function clear() {
  sessionStorage.removeItem(KEY);
}

/** The last four characters, enough to tell two keys apart on screen. */
export function hint(key) {
  return `…${key.slice(-4)}`;
}
