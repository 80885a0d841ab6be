/*
 * Kanta rewards: the launcher, and the widget's shared core (window.Kanta).
 * Deferred on every page, so it stays tiny: plain ES2019, no dependencies. The panel
 * (kanta-panel.js/.css) loads on the first click. Requests go only to the app proxy on
 * the shop's own origin (/apps/kanta).
 */
(() => {
  'use strict';
  if (window.Kanta) return; // the app embed and the rewards page block both load this file

  const TTL = 60000; // sessionStorage lifetime of the customer JSON
  const ENT = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" };
  const decode = (s) => (typeof s === 'string' ? s.replace(/&(amp|lt|gt|quot|#39|#x27);/g, (m, k) => ENT[k]) : s);

  // snippets/kanta-config.liquid. Shopify may HTML-escape translations, and free text is
  // escaped there on purpose: decode once, here.
  const readConfig = (el) => {
    let c;
    try { c = JSON.parse(el.textContent); } catch { return null; }
    const s = (c.strings = c.strings || {});
    Object.keys(s).forEach((k) => { s[k] = decode(s[k]); });
    c.firstName = decode(c.firstName);
    c.shopName = decode(c.shopName);
    c.settings = c.settings || {};
    c.settings.label = decode(c.settings.label);
    c.proxy = c.proxy || '/apps/kanta';
    // lang: the storefront's language, for the texts (0036); locale: numbers and plurals;
    // dl: dates, with the shopper's country when the language has no region ("en" in
    // Finland: en-FI, 31 Dec, never 12/31). Numbers keep the language's own format.
    c.lang = c.locale || 'en';
    try { c.locale = Intl.getCanonicalLocales(c.lang)[0]; } catch { c.locale = 'en'; }
    try { c.dl = Intl.getCanonicalLocales(c.locale + (c.locale.indexOf('-') < 0 && c.country ? '-' + c.country : ''))[0]; } catch { c.dl = c.locale; }
    c.colors = fixContrast(c.colors || {});
    return c;
  };

  const num = (c, n, opts) => new Intl.NumberFormat(c.locale, opts).format(n);
  // Placeholders are {name}; Liquid passes the templates through untouched.
  const t = (c, key, vars) => {
    const s = c.strings[key];
    return s == null ? key : s.replace(/\{(\w+)\}/g, (m, k) => (vars && vars[k] != null ? vars[k] : m));
  };
  // Plurals are key_one / key_other (the CLDR categories of Intl.PluralRules).
  const tn = (c, key, n, vars) => {
    let k = key + '_' + new Intl.PluralRules(c.locale).select(n);
    if (c.strings[k] == null) k = key + '_other';
    return t(c, k, Object.assign({ count: num(c, n) }, vars));
  };

  // WCAG AA: if the merchant's pair is below 4.5:1, black or white text instead.
  const luminance = (hex) => {
    const m = /^#([\da-f]{2})([\da-f]{2})([\da-f]{2})$/i.exec(String(hex || '').trim());
    if (!m) return null;
    const [r, g, b] = m.slice(1).map((x) => {
      const v = parseInt(x, 16) / 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const fixContrast = (colors) => {
    const a = luminance(colors.accent), f = luminance(colors.onAccent);
    if (a != null && (f == null || ratio(a, f) < 4.5)) colors.onAccent = ratio(a, 0) >= ratio(a, 1) ? '#000000' : '#ffffff';
    return colors;
  };
  const applyColors = (c, el) => {
    if (c.colors.accent) el.style.setProperty('--kanta-accent', c.colors.accent);
    if (c.colors.onAccent) el.style.setProperty('--kanta-on-accent', c.colors.onAccent);
  };

  // GET /apps/kanta/customer, cached per shopper for TTL. Every fresh answer is broadcast
  // as a `kanta:data` event, so the launcher and any open panel stay in step.
  // The answer carries the panel's texts in the shopper's language (0036): only the few
  // strings needed before it arrives are inlined in the page (snippets/kanta-strings.liquid).
  const inflight = {};
  const cacheKey = (c) => 'kanta:v2:' + c.lang + ':' + (c.customerId || 'guest');
  const use = (c, d) => { if (d && d.texts) Object.assign(c.strings, d.texts); return d; };
  const peek = (c) => {
    try {
      const hit = JSON.parse(sessionStorage.getItem(cacheKey(c)) || 'null');
      return hit && Date.now() - hit.at < TTL ? use(c, hit.data) : null;
    } catch { return null; }
  };
  const publish = (c, data) => {
    use(c, data);
    try { sessionStorage.setItem(cacheKey(c), JSON.stringify({ at: Date.now(), data })); } catch { /* private mode */ }
    document.dispatchEvent(new CustomEvent('kanta:data', { detail: data }));
    return data;
  };
  // The panel's texts (10 KB) are kept per language in localStorage with their version, which
  // each ask sends: the answer leaves them out while that version is current (0043).
  const textsKey = (c) => 'kanta:texts:' + c.lang;
  const held = (c) => { try { return JSON.parse(localStorage.getItem(textsKey(c)) || 'null'); } catch { return null; } };
  const ask = (c, kept) => fetch(c.proxy + '/customer?locale=' + encodeURIComponent(c.lang) + (kept ? '&texts=' + encodeURIComponent(kept.v) : ''), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then((r) => {
      // 404: no program for this shop (or no proxy): the same as "not live".
      if (r.status === 404) return { customer: null, program: { status: 'missing' }, rewards: [] };
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    })
    .then((d) => {
      if (d.texts) { try { localStorage.setItem(textsKey(c), JSON.stringify({ v: d.textsVersion, t: d.texts })); } catch { /* private mode */ } }
      else if (kept && d.textsVersion === kept.v) d.texts = kept.t;
      // Left out for a version this page no longer holds: ask again without one.
      else if (kept && d.textsVersion) return ask(c, null);
      return d;
    });
  const load = (c, force) => {
    const key = cacheKey(c);
    const hit = !force && peek(c);
    if (hit) return Promise.resolve(hit);
    if (inflight[key]) return inflight[key];
    const p = ask(c, held(c)).then((data) => publish(c, data));
    inflight[key] = p;
    const done = () => { delete inflight[key]; };
    p.then(done, done);
    return p;
  };

  // The DOM helper the panel and the referral greeting share:
  // h('button', { class: 'x', onclick: fn, text: 'Hi' }, [children]); strings become text nodes.
  function h(tag, attrs, kids) {
    const el = document.createElement(tag);
    Object.keys(attrs || {}).forEach((k) => {
      const v = attrs[k];
      if (v == null || v === false) return;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k.slice(0, 2) === 'on') el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : v);
    });
    return add(el, kids);
  }
  function add(el, kids) {
    [].concat(kids == null ? [] : kids).forEach((k) => {
      if (k == null || k === false || k === '') return;
      if (Array.isArray(k)) add(el, k);
      else el.appendChild(typeof k === 'object' ? k : document.createTextNode(String(k)));
    });
    return el;
  }

  const Kanta = (window.Kanta = { readConfig, load, peek, publish, t, tn, num, applyColors, h, add });

  // ---- the launcher (app embed only) ----
  const root = document.getElementById('kanta-root');
  const cfgEl = document.getElementById('kanta-config');
  const cfg = root && cfgEl && readConfig(cfgEl);
  if (!cfg || (cfg.settings.hideOnCart && cfg.pageType === 'cart')) return;
  Kanta.config = cfg;

  const btn = root.querySelector('.kanta-launcher');
  const balance = root.querySelector('[data-kanta-balance]');
  const show = (data) => {
    use(cfg, data);
    if (!cfg.designMode && !(data.program && data.program.status === 'live')) {
      root.dataset.kantaOff = '1';
      root.hidden = true; // program draft or paused: no widget
      return;
    }
    root.dataset.kantaData = '1';
    // Theme editor settings left at their defaults give way to the merchant's (Settings).
    const w = data.program.widget, name = w && (w.label || data.program.programName);
    if (w && w.accent && cfg.colors.accent === '#1f4d3d') applyColors({ colors: w }, root);
    if (w && w.position) root.className = root.className.replace('bottom-right', w.position);
    if (name && cfg.settings.label === t(cfg, 'launcher.label')) {
      root.querySelector('.kanta-launcher__label').textContent = cfg.settings.label = name;
    }
    const c = data.customer;
    if (!balance) { reveal(); return; }
    // No balance to show (not a member yet, excluded): drop the reserved slot.
    balance.hidden = !c || c.status !== 'active';
    if (!balance.hidden) {
      balance.textContent = tn(cfg, 'launcher.balance', c.points);
      btn.setAttribute('aria-label', cfg.settings.label + ', ' + tn(cfg, 'general.points', c.points));
    }
    reveal();
  };
  document.addEventListener('kanta:data', (e) => show(e.detail));

  applyColors(cfg, root);
  const inject = (tag, attrs) => new Promise((resolve, reject) => {
    const el = Object.assign(document.createElement(tag), attrs, { onload: resolve, onerror: reject });
    document.head.appendChild(el);
  });
  // A referred visitor: the link's ?kanta_ref=, or a kept referral cookie once per session.
  // kanta-referral.js remembers it (cookie, cart attribute) and greets the friend (0009).
  let refSeen = null;
  try { refSeen = sessionStorage.getItem('kanta:ref'); } catch { /* private mode */ }
  const refKept = /(?:^|; )kanta_ref=([\w-]{32})/.exec(document.cookie);
  if (cfg.referralJs && !cfg.designMode && (/[?&]kanta_ref=/.test(location.search) || (refKept && refKept[1] !== refSeen))) {
    inject('script', { src: cfg.referralJs, async: true }).catch(() => {});
  }
  // The launcher's styles arrive after the page has rendered (this script is deferred), and
  // the launcher shows once they have: no render-blocking request, no unstyled flash.
  const styled = cfg.launcherCss && !document.querySelector('link[href="' + cfg.launcherCss + '"]')
    ? inject('link', { rel: 'stylesheet', href: cfg.launcherCss })
    : Promise.resolve();
  // A signed-in shopper's launcher appears with its balance, not before (a launcher that
  // grows when the balance arrives would be a layout shift).
  let canShow = false;
  const reveal = () => { if (canShow && !root.dataset.kantaOff) root.hidden = false; };
  styled.then(() => { canShow = true; if (!cfg.loggedIn || root.dataset.kantaData) reveal(); }, () => {});
  const cached = peek(cfg);
  if (cached) show(cached);
  else if (cfg.loggedIn) {
    const idle = window.requestIdleCallback || ((f) => setTimeout(f, 1200));
    idle(() => {
      // Hidden on phones by the merchant: nothing to show, so nothing to fetch.
      if (cfg.settings.showOnMobile === false && matchMedia('(max-width: 749px)').matches) return;
      load(cfg).then(show, () => { if (balance) balance.hidden = true; root.dataset.kantaData = '1'; reveal(); }); // the panel explains errors
    }, { timeout: 4000 });
  }

  // The panel's code and styles load on the first click only.
  let panelReady = null;
  const ensurePanel = () => {
    if (!panelReady) {
      const hasCss = document.querySelector('link[href="' + cfg.panelCss + '"]'); // the rewards page block's
      panelReady = Promise.all([
        hasCss || inject('link', { rel: 'stylesheet', href: cfg.panelCss }),
        window.KantaPanel || inject('script', { src: cfg.panelJs })
      ]).catch((e) => { panelReady = null; throw e; });
    }
    return panelReady;
  };
  btn.addEventListener('click', () => {
    btn.setAttribute('aria-busy', 'true');
    const done = () => btn.removeAttribute('aria-busy');
    ensurePanel().then(() => { done(); window.KantaPanel.open(cfg, btn); }, done);
  });
})();
