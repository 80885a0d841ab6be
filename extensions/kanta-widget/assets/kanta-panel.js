/*
 * Kanta rewards panel: a dialog (a full-height sheet on phones) opened by the launcher, or
 * inline in the rewards page block. Needs window.Kanta from kanta-launcher.js.
 * Views are rebuilt from state on every change (render); focus is kept by `data-k` keys.
 * All text goes in as text nodes, never as HTML; the only markup strings are the icons
 * (kanta-panel-ui.js).
 *
 * This file, its state and its views; the sections in modules of their own (rewards and
 * gifts, ways to earn, the member's standing), each given the panel's state and helpers
 * (`ui`, which kanta-give.js and kanta-challenges.js get too). scripts/build-widget.mjs
 * bundles them into kanta-panel.min.js, the one file the launcher loads on first open.
 */
import { icon, noop, uuid } from './kanta-panel-ui.js';
import { rewardsPart } from './kanta-panel-rewards.js';
import { earnPart } from './kanta-panel-earn.js';
import { memberPart } from './kanta-panel-member.js';

const K = window.Kanta;
const h = K && K.h;
const add = K && K.add;
let seq = 0;

function createPanel(cfg, mode) {
  const T = (k, v) => K.t(cfg, k, v);
  const TN = (k, n, v) => named(K.tn(cfg, k, n, v), n);
  const N = (n) => K.num(cfg, n);
  const dialog = mode === 'dialog';
  const uid = 'kanta-' + (++seq);
  // status: loading | ready | error. rows: redeem flow per reward id. ways: claim state per rule id.
  const P = { data: null, status: 'loading', rows: {}, ways: {}, gifts: {}, focusKey: null, mounted: false, onClose: noop, off: noop };

  const el = h('div', dialog
    ? { class: 'kanta-panel kanta-panel--dialog', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': uid + '-title', tabindex: '-1' }
    : { class: 'kanta-panel kanta-panel--inline' });
  // The dialog's title and close button sit in a bar that stays put while the rest scrolls.
  const heading = h(dialog ? 'h2' : 'p', { id: uid + '-title', class: 'kanta-title' });
  const top = h('div', { class: 'kanta-top' });
  const body = h('div', { class: 'kanta-body' });
  const scroll = h('div', { class: 'kanta-scroll' }, [top, body]);
  const liveRegion = h('div', { class: 'kanta-sr', role: 'status', 'aria-live': 'polite' });
  add(el, [
    dialog && h('div', { class: 'kanta-bar' }, [heading,
      h('button', { type: 'button', class: 'kanta-close', 'aria-label': T('general.close'), onclick: () => { P.onClose(); } }, icon('close'))]),
    scroll,
    liveRegion
  ]);
  P.el = el;

  function announce(msg) {
    liveRegion.textContent = '';
    setTimeout(() => { liveRegion.textContent = msg; }, 80);
  }
  function live(d) { return cfg.designMode || (d && d.program && d.program.status === 'live'); }

  // Money is integer minor units; the currency's own number of decimals says the scale.
  function money(minor) {
    const cur = P.data.program.currencyCode;
    const digits = new Intl.NumberFormat(cfg.locale, { style: 'currency', currency: cur }).resolvedOptions().maximumFractionDigits;
    const scale = Math.pow(10, digits);
    const whole = minor % scale === 0; // "€5" rather than "€5.00"
    return new Intl.NumberFormat(cfg.locale, { style: 'currency', currency: cur, minimumFractionDigits: whole ? 0 : digits, maximumFractionDigits: whole ? 0 : digits }).format(minor / scale);
  }
  function date(iso) {
    return new Intl.DateTimeFormat(cfg.dl, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(iso));
  }
  // An offer in words ("10% off", "500 points"): referrals, and a tier's own terms (0032).
  const words = (o) => o.type === 'points' ? TN('general.points', o.points) : o.type === 'percent_off' ? T('referral.percent_off', { percent: N(o.percentOff) })
    : o.type === 'amount_off' ? T('referral.amount_off', { amount: money(o.valueMinor) }) : T('referral.free_shipping');
  function greeting(name) { return name ? T('member.greeting', { name: name }) : T('member.greeting_no_name'); }
  // The merchant's name for points ("340 stars") replaces the widget's own word (as a whole word).
  function named(text, n) {
    const name = P.data && (P.data.program.pointsNames || {})[P.data.language]; // the language the proxy chose (0036)
    const word = name && K.tn(cfg, 'general.points', n).replace(N(n), '').trim();
    return word ? text.replace(new RegExp('(^|\\P{L})' + word + '(?!\\p{L})', 'gu'), (m, a) => a + name[new Intl.PluralRules(cfg.locale).select(n) === 'one' ? 'singular' : 'plural']) : text;
  }
  // Theme editor settings left at their defaults give way to the merchant's defaults.
  function defaults(w) {
    const o = el.parentNode;
    if (!w || !dialog || !o) return;
    if (w.accent && cfg.colors.accent === '#1f4d3d') K.applyColors({ colors: w }, o);
    if (w.position) o.className = o.className.replace('bottom-right', w.position);
  }

  // ---- data ----
  function setData(d) {
    P.data = d;
    P.status = 'ready';
    defaults(d.program.widget);
    if (!live(d)) { P.off(); return; }
    render();
  }
  function refresh(force) {
    if (!P.data) { P.status = 'loading'; render(); }
    return K.load(cfg, force).then(setData, () => {
      if (P.data) return;
      P.status = 'error';
      if (el.contains(document.activeElement)) P.focusKey = 'retry'; // never steal focus on page load
      render();
      announce(T('general.load_error'));
    });
  }
  document.addEventListener('kanta:data', (e) => {
    if (P.mounted && e.detail !== P.data) setData(e.detail);
  });

  function post(path, payload) {
    return fetch(cfg.proxy + path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payload)
    }).then((r) => {
      return r.json().then((b) => ({ ok: r.ok, status: r.status, body: b || {} }),
        () => ({ ok: false, status: r.status, body: {} }));
    }, () => ({ ok: false, status: 0, body: {} }));
  }
  // The server's error codes, in the storefront's language; its own message otherwise.
  function errText(res) {
    const b = res.body;
    if (!res.status) return T('errors.network');
    if (b.error === 'insufficient_points' && b.needed > 0) return TN('rewards.need_more', b.needed);
    if (b.error && cfg.strings['errors.' + b.error] != null) return T('errors.' + b.error);
    return b.message || T('errors.generic');
  }

  // ---- rendering ----
  function render() {
    const active = document.activeElement;
    const key = P.focusKey || (active && el.contains(active) && active.getAttribute('data-k'));
    P.focusKey = null;
    const y = scroll.scrollTop;
    const v = view();
    heading.textContent = v.title;
    top.textContent = '';
    body.textContent = '';
    add(top, [!dialog && heading, v.top]);
    add(body, v.body);
    el.setAttribute('aria-busy', String(P.status === 'loading'));
    scroll.scrollTop = y;
    const target = key && [].filter.call(el.querySelectorAll('[data-k]'), (x) => x.getAttribute('data-k') === key)[0];
    if (target) target.focus();
    else if (dialog && P.mounted && !el.contains(document.activeElement)) el.focus();
  }

  function btn(kind, label, key, onclick, extra) {
    return h('button', Object.assign({ type: 'button', class: 'kanta-btn kanta-btn--' + kind, 'data-k': key, onclick: onclick }, extra), label);
  }
  function section(name, kids, title) {
    const id = uid + '-' + name;
    return h('section', { class: 'kanta-sec', 'aria-labelledby': id }, [h('h3', { id: id, class: 'kanta-sec__title', text: title || T('sections.' + name) })].concat(kids));
  }
  function row(o) {
    return h('li', { class: 'kanta-row' + (o.cls ? ' ' + o.cls : '') }, [
      o.pic || (o.icon && h('span', { class: 'kanta-row__icon' }, icon(o.icon))),
      h('div', { class: 'kanta-row__main' }, [h('p', { class: 'kanta-row__title' }, o.title)].concat((o.meta || []).filter(Boolean).map((m) => {
        return h('p', { class: 'kanta-row__meta' }, m);
      }))),
      o.aside && h('div', { class: 'kanta-row__aside' }, o.aside),
      o.extra && h('div', { class: 'kanta-row__extra' }, o.extra)
    ]);
  }
  function list(items, cls) { return h('ul', { class: 'kanta-list' + (cls ? ' ' + cls : ''), role: 'list' }, items); }
  function copyButton(text, key, target, label) {
    return btn('plain', T('general.copy'), key, (e) => { copy(text, e.currentTarget, target); }, { 'aria-label': label });
  }
  function codeBox(code, key) {
    const value = h('code', { class: 'kanta-code__value', text: code });
    return h('div', { class: 'kanta-code' }, [value, copyButton(code, key, value, T('rewards.copy_code', { code: code }))]);
  }

  function view() {
    if (P.status === 'loading') return skeleton();
    if (P.status === 'error') {
      return {
        title: cfg.loggedIn ? greeting(cfg.firstName) : cfg.settings.label,
        top: [],
        body: [h('div', { class: 'kanta-state' }, [
          h('p', { text: T('general.load_error') }),
          btn('primary', T('general.retry'), 'retry', () => { refresh(true); })
        ])]
      };
    }
    const d = P.data, c = d.customer;
    if (!c) return cfg.loggedIn ? setupView(d) : guestView(d);
    if (c.status !== 'active') {
      return {
        title: greeting(c.firstName || cfg.firstName),
        top: [],
        body: [h('div', { class: 'kanta-state' }, [
          h('p', { class: 'kanta-state__title', text: T('member.excluded_title') }),
          h('p', { text: T('member.excluded_text') })
        ])]
      };
    }
    return memberView(d, c);
  }

  function skeleton() {
    const bar = (cls) => h('span', { class: 'kanta-sk kanta-sk--' + cls });
    const rows = [1, 2, 3, 4, 5].map(() => {
      return h('li', { class: 'kanta-row' }, [bar('icon'), h('div', { class: 'kanta-row__main' }, [bar('line'), bar('short')]), bar('pill')]);
    });
    return {
      title: cfg.loggedIn ? greeting(cfg.firstName) : T('guest.title'),
      top: [bar('big'), bar('short')],
      body: [h('p', { class: 'kanta-sr', text: T('general.loading') }),
        h('div', { class: 'kanta-sec', 'aria-hidden': 'true' }, [bar('heading'), h('ul', { class: 'kanta-list' }, rows)])]
    };
  }

  function guestView(d) {
    const actions = cfg.accounts !== false && h('div', { class: 'kanta-top__actions' }, [
      h('a', { class: 'kanta-btn kanta-btn--inverse', href: cfg.registerUrl }, T('guest.join')),
      h('a', { class: 'kanta-btn kanta-btn--ghost', href: cfg.loginUrl }, T('guest.sign_in'))
    ]);
    return {
      title: d.program.programName || T('guest.title'),
      top: [h('p', { class: 'kanta-top__text', text: T('guest.text') }), actions],
      body: [earn.waysSection(d, 'guest'), rewards.rewardsSection(d, 'guest')]
    };
  }
  function setupView(d) {
    return {
      title: greeting(cfg.firstName),
      top: [h('p', { class: 'kanta-top__text', text: T('member.setup_text') })],
      body: [earn.waysSection(d, 'setup'), rewards.rewardsSection(d, 'setup')]
    };
  }
  function memberView(d, c) {
    const n = TN('general.points', c.points), f = N(c.points), i = n.indexOf(f);
    const big = i < 0 ? n : [n.slice(0, i), h('span', { class: 'kanta-points__num', text: f }), n.slice(i + f.length)];
    const g = give(d, c);
    return {
      title: greeting(c.firstName || cfg.firstName),
      top: [
        h('p', { class: 'kanta-points' }, big),
        c.pendingPoints > 0 && h('p', { class: 'kanta-top__text' }, TN('member.pending', c.pendingPoints) + ' \u00b7 ' + T('member.pending_note')),
        c.expiry && h('p', { class: 'kanta-top__text', 'data-k': 'expiry' }, TN('member.expiry', c.expiry.points, { date: date(c.expiry.at) })),
        c.tier && h('p', { class: 'kanta-badge' }, [icon('star'), h('span', { class: 'kanta-sr', text: T('member.tier') + ': ' }), c.tier.name]),
        member.tierCard(d, c.tier)
      ],
      body: [g[0], rewards.giftsSection(c), rewards.rewardsSection(d, 'member'), rewards.codesSection(c), g[1], more(d, c), earn.waysSection(d, 'member'), member.referralSection(c), member.activitySection(c)]
    };
  }

  // Surprise notices and causes (0037): kanta-give.js, loaded once the data has them.
  function give(d, c) {
    if (!d.charity && !(c.surprises || []).length) return [];
    if (window.KantaGive) return window.KantaGive(P.api, d, c);
    if (!P.give) document.head.appendChild(P.give = h('script', { src: cfg.giveJs, onload: render }));
    return [];
  }
  // The panel's state and helpers, for its sections' modules and the parts loaded on demand.
  const ui = { cfg, K, P, h, uid, T, TN, N, money, date, words, btn, section, row, list, icon, copyButton, codeBox, post, errText, announce, render, uuid };
  P.api = ui;
  const rewards = rewardsPart(ui);
  const earn = earnPart(ui);
  const member = memberPart(ui);


  // Challenges, badges, leaderboard (0035): kanta-challenges.js, fetched with the first member view.
  function more(d, c) {
    const M = window.KantaChallenges;
    if (M) return M.sections(ui, d, c);
    if (!P.more && cfg.challengesJs) P.more = document.head.appendChild(h('script', { src: cfg.challengesJs, async: true, onload: render }));
  }

  function copy(text, button, target) {
    const done = () => {
      button.textContent = T('general.copied');
      announce(T('general.copied'));
      setTimeout(() => { button.textContent = T('general.copy'); }, 2000);
    };
    // Without the async clipboard (older browsers, insecure origins): select the text,
    // try the legacy copy command, and leave it selected for the shopper to copy.
    const fallback = () => {
      if (target.select) target.select();
      else {
        const range = document.createRange();
        range.selectNodeContents(target);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
      }
      try { if (document.execCommand('copy')) done(); } catch { /* left selected */ }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(text).then(done, fallback);
    else fallback();
  }

  P.show = () => {
    P.mounted = true;
    if (P.data) render();
    refresh(false);
  };
  P.reset = () => {
    P.rows = {};
    Object.keys(P.ways).forEach((id) => { P.ways[id].form = false; P.ways[id].message = null; });
  };
  return P;
}

// ---- the dialog ----
let dlg = null;
const reduced = window.matchMedia('(prefers-reduced-motion: reduce)');

function focusables(root) {
  return [].filter.call(root.querySelectorAll('a[href],button,input,select,textarea,[tabindex="0"]'), (x) => {
    return !x.disabled && x.getClientRects().length > 0;
  });
}
function onKey(e) {
  if (e.key === 'Escape') { e.preventDefault(); close(); return; }
  if (e.key !== 'Tab') return;
  const f = focusables(dlg.panel.el), first = f[0], last = f[f.length - 1], a = document.activeElement;
  if (!f.length) e.preventDefault();
  else if (e.shiftKey && (a === first || a === dlg.panel.el)) { e.preventDefault(); last.focus(); }
  else if (!e.shiftKey && a === last) { e.preventDefault(); first.focus(); }
}
function guard(e) {
  if (dlg && !dlg.overlay.contains(e.target)) dlg.panel.el.focus();
}

function open(cfg, launcher) {
  if (!dlg) {
    const panel = createPanel(cfg, 'dialog');
    const overlay = h('div', { class: 'kanta-overlay kanta-overlay--' + (cfg.settings.position || 'bottom-right'), hidden: true }, panel.el);
    K.applyColors(cfg, overlay);
    overlay.addEventListener('click', (e) => { if (e.target === overlay) close(); });
    overlay.addEventListener('keydown', onKey);
    // Inside the launcher's root: the merchant's colours and offsets are inherited from there.
    const root = launcher.closest('.kanta-root');
    ((root && root.querySelector('[data-kanta-host]')) || document.body).appendChild(overlay);
    panel.onClose = close;
    panel.off = close; // program not live: the launcher hides itself on the same data
    dlg = { overlay: overlay, panel: panel };
  }
  if (!dlg.overlay.hidden) return;
  dlg.launcher = launcher;
  dlg.overlay.hidden = false;
  void dlg.overlay.offsetWidth; // start the transition from the closed state
  dlg.overlay.classList.add('is-open');
  document.documentElement.classList.add('kanta-lock');
  launcher.setAttribute('aria-expanded', 'true');
  document.addEventListener('focusin', guard);
  dlg.panel.el.focus();
  dlg.panel.show();
}

function close() {
  if (!dlg || dlg.overlay.hidden) return;
  const o = dlg.overlay;
  o.classList.remove('is-open');
  document.documentElement.classList.remove('kanta-lock');
  document.removeEventListener('focusin', guard);
  dlg.panel.mounted = false;
  dlg.panel.reset();
  dlg.launcher.setAttribute('aria-expanded', 'false');
  setTimeout(() => { if (!o.classList.contains('is-open')) o.hidden = true; }, reduced.matches ? 0 : 200);
  if (dlg.launcher.getClientRects().length) dlg.launcher.focus();
}

// ---- inline (rewards page block) ----
function mountInline() {
  [].forEach.call(document.querySelectorAll('[data-kanta-inline]'), (host) => {
    if (host.kantaPanel) return;
    const cfgEl = document.getElementById(host.getAttribute('data-kanta-inline'));
    const cfg = cfgEl && K.readConfig(cfgEl);
    if (!cfg) return;
    const panel = createPanel(cfg, 'inline');
    const block = host.closest('.kanta-inline') || host;
    host.kantaPanel = panel;
    K.applyColors(cfg, block);
    panel.off = () => { block.hidden = true; };
    host.textContent = '';
    host.appendChild(panel.el);
    panel.show();
  });
}

if (K && !window.KantaPanel) {
  window.KantaPanel = { open: open, close: close, mountInline: mountInline };
  mountInline();
  document.addEventListener('shopify:section:load', mountInline); // theme editor re-renders
}
