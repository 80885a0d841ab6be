/*
 * The rewards panel's shared pieces: its icons, safe links and request ids. A module of
 * kanta-panel.js, bundled with it into kanta-panel.min.js (scripts/build-widget.mjs).
 */
export const noop = () => {};
const ICONS = {
  gift: '<path d="M4 11h16v9a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1zM3 7h18v4H3zM12 7v14M12 7H8.5a2 2 0 1 1 0-4C11 3 12 7 12 7zm0 0h3.5a2 2 0 1 0 0-4C13 3 12 7 12 7z"/>',
  tag: '<path d="M3 12.2V4a1 1 0 0 1 1-1h8.2a1 1 0 0 1 .7.3l8 8a1 1 0 0 1 0 1.4l-8.2 8.2a1 1 0 0 1-1.4 0l-8-8a1 1 0 0 1-.3-.7z"/><circle cx="8" cy="8" r="1.5"/>',
  percent: '<path d="M19 5 5 19"/><circle cx="7" cy="7" r="2.5"/><circle cx="17" cy="17" r="2.5"/>',
  truck: '<path d="M2 6h12v11H2zM14 10h4l4 4v3h-8"/><circle cx="6.5" cy="18" r="1.8"/><circle cx="17.5" cy="18" r="1.8"/>',
  bag: '<path d="M5 8h14l-1.2 12.1a1 1 0 0 1-1 .9H7.2a1 1 0 0 1-1-.9zM9 8V6.5a3 3 0 0 1 6 0V8"/>',
  user: '<circle cx="10" cy="8" r="4"/><path d="M3 20c.5-3.8 3.3-6 7-6s6.5 2.2 7 6M19 7v6M16 10h6"/>',
  cake: '<path d="M4 13h16v8H4zM4 17c2.7 1.3 5.3 1.3 8 0s5.3-1.3 8 0M12 13V9M12 6.5c-1.2-1-1.2-2.5 0-3.5 1.2 1 1.2 2.5 0 3.5z"/>',
  heart: '<path d="M12 20s-7.5-4.6-7.5-10.2A4.3 4.3 0 0 1 12 7a4.3 4.3 0 0 1 7.5 2.8C19.5 15.4 12 20 12 20z"/>',
  mail: '<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3.5 7 8.5 6 8.5-6"/>',
  star: '<path d="m12 3 2.8 5.7 6.2.9-4.5 4.4 1.1 6.2L12 17.3l-5.6 2.9 1.1-6.2L3 9.6l6.2-.9z"/>',
  spark: '<path d="M12 3v5M12 16v5M3 12h5M16 12h5M6 6l2.8 2.8M15.2 15.2 18 18M6 18l2.8-2.8M15.2 8.8 18 6"/>',
  check: '<path d="m5 12.5 4.5 4.5L19 7.5"/>',
  wallet: '<path d="M4 7.5A1.5 1.5 0 0 1 5.5 6H18v3M4 7.5v10A1.5 1.5 0 0 0 5.5 19h13a1.5 1.5 0 0 0 1.5-1.5v-7A1.5 1.5 0 0 0 18.5 9h-13A1.5 1.5 0 0 1 4 7.5zM16 14h.01"/>',
  close: '<path d="M6 6l12 12M18 6 6 18"/>'
};
export const REWARD_ICON = { amount_off: 'tag', percent_off: 'percent', free_shipping: 'truck', free_product: 'gift', points_to_money: 'tag', store_credit: 'wallet' };
export const WAY_ICON = { purchase: 'bag', signup: 'user', birthday: 'cake', social_follow: 'heart', newsletter: 'mail', review: 'star' };

/** An inline SVG icon by name (the markup strings above are the panel's only HTML). */
export function icon(name) {
  const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  s.setAttribute('viewBox', '0 0 24 24');
  s.setAttribute('aria-hidden', 'true');
  s.setAttribute('focusable', 'false');
  s.setAttribute('class', 'kanta-ico');
  s.innerHTML = ICONS[name] || ICONS.spark;
  return s;
}
// Links from data (merchant-set pages, referral links) must be web links, never javascript:.
export const safeUrl = (url) => (/^https?:\/\//i.test(url || '') ? url : null);

export function uuid() {
  if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join('');
}
