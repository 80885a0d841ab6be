/*
 * Kanta rewards panel: a dialog (a full-height sheet on phones) opened by the launcher, or
 * inline in the rewards page block. Needs window.Kanta from kanta-launcher.js.
 * Views are rebuilt from state on every change (render); focus is kept by `data-k` keys.
 * All text goes in as text nodes, never as HTML; the only markup strings are the icons below.
 */
(() => {
  'use strict';
  const K = window.Kanta;
  if (window.KantaPanel || !K) return;

  const noop = () => {};
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
  const REWARD_ICON = { amount_off: 'tag', percent_off: 'percent', free_shipping: 'truck', free_product: 'gift', points_to_money: 'tag', store_credit: 'wallet' };
  const WAY_ICON = { purchase: 'bag', signup: 'user', birthday: 'cake', social_follow: 'heart', newsletter: 'mail', review: 'star' };
  let seq = 0;

  const h = K.h;
  const add = K.add;
  function icon(name) {
    const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    s.setAttribute('viewBox', '0 0 24 24');
    s.setAttribute('aria-hidden', 'true');
    s.setAttribute('focusable', 'false');
    s.setAttribute('class', 'kanta-ico');
    s.innerHTML = ICONS[name] || ICONS.spark;
    return s;
  }
  // Links from data (merchant-set pages, referral links) must be web links, never javascript:.
  const safeUrl = (url) => (/^https?:\/\//i.test(url || '') ? url : null);

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => (b + 256).toString(16).slice(1)).join('');
  }

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
    function signed(n) { return (n > 0 ? '+' : n < 0 ? '\u2212' : '') + N(Math.abs(n)); }
    // An offer in words ("10% off", "500 points"): referrals, and a tier's own terms (0032).
    const words = (o) => o.type === 'points' ? TN('general.points', o.points) : o.type === 'percent_off' ? T('referral.percent_off', { percent: N(o.percentOff) })
      : o.type === 'amount_off' ? T('referral.amount_off', { amount: money(o.valueMinor) }) : T('referral.free_shipping');
    function greeting(name) { return name ? T('member.greeting', { name: name }) : T('member.greeting_no_name'); }
    function earnRate(e) { return TN('guest.earn_rate', e.points, { amount: money(e.spendMinor) }); }
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
        body: [waysSection(d, 'guest'), rewardsSection(d, 'guest')]
      };
    }
    function setupView(d) {
      return {
        title: greeting(cfg.firstName),
        top: [h('p', { class: 'kanta-top__text', text: T('member.setup_text') })],
        body: [waysSection(d, 'setup'), rewardsSection(d, 'setup')]
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
          tierCard(d, c.tier)
        ],
        body: [g[0], giftsSection(c), rewardsSection(d, 'member'), codesSection(c), g[1], more(d, c), waysSection(d, 'member'), referralSection(c), activitySection(c)]
      };
    }

    // Surprise notices and causes (0037): kanta-give.js, loaded once the data has them.
    function give(d, c) {
      if (!d.charity && !(c.surprises || []).length) return [];
      if (window.KantaGive) return window.KantaGive(P.api, d, c);
      if (!P.give) document.head.appendChild(P.give = h('script', { src: cfg.giveJs, onload: render }));
      return [];
    }
    P.api = { h, T, TN, money, btn, row, list, icon, post, render, announce, errText, uuid, uid, codeBox, P, K, cfg };

    // Challenges, badges, leaderboard (0035): kanta-challenges.js, fetched with the first member view.
    function more(d, c) {
      const M = window.KantaChallenges;
      if (M) return M.sections({ section, row, list, btn, T, TN, N, post, render, money, date, cfg, P }, d, c);
      if (!P.more && cfg.challengesJs) P.more = document.head.appendChild(h('script', { src: cfg.challengesJs, async: true, onload: render }));
    }

    // Progress in the basis' unit; the tiers' benefits in a disclosure.
    function tierCard(d, tier) {
      const p = tier && (tier.progress != null ? tier.progress : tier.spendMinor);
      if (p == null) return null;
      const nx = tier.next, end = tier.periodEnd;
      const b = d.tiers ? d.tiers.basis : 'spend', amt = (n) => b === 'spend' ? money(n) : TN(b === 'points' ? 'general.points' : 'tiers.orders', n);
      let text = T('member.tier_top', { tier: tier.name }), bar = null;
      if (nx) {
        const rem = nx.remaining != null ? nx.remaining : nx.remainingMinor, pct = p + rem > 0 ? Math.min(100, Math.round((p / (p + rem)) * 100)) : 100;
        const vars = { amount: amt(rem), date: end && lastDay(end, d.program.timeZone), tier: nx.name };
        text = T(b === 'spend' && end ? 'member.tier_next' : end ? 'member.tier_more_by' : 'member.tier_more', vars);
        bar = h('div', {
          class: 'kanta-tier__bar', role: 'progressbar', 'aria-label': T('member.tier_progress', { tier: nx.name }),
          'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(pct), 'aria-valuetext': pct + '%'
        }, h('span', { class: 'kanta-tier__fill', style: 'width:' + pct + '%' }));
      }
      return h('div', { class: 'kanta-tier' }, [h('p', { class: 'kanta-tier__text', text: text }), bar, tierTable(d, tier, amt)]);
    }
    function tierTable(d, tier, amt) {
      const list = (d.tiers && d.tiers.list) || [];
      if (list.length < 2) return null;
      // Open stays open: the panel renders again when its data or a lazy part arrives.
      return h('details', { class: 'kanta-tiers', open: !!P.tiersOpen, ontoggle: (e) => { P.tiersOpen = e.currentTarget.open; } }, [h('summary', { text: T('tiers.title') }), h('table', {}, [
        h('thead', {}, h('tr', {}, ['tier', 'from', 'perks'].map((k) => h('th', { scope: 'col', text: T('tiers.' + k) })))),
        h('tbody', {}, list.map((t) => {
          const k = t.perks || {}, perks = [];
          if (t.multiplierPermille > 1000) perks.push(T('tiers.multiplier', { x: N(t.multiplierPermille / 1000) }));
          if (k.entryPoints) perks.push(TN('tiers.entry', k.entryPoints));
          if (k.birthdayPoints) perks.push(TN('tiers.birthday', k.birthdayPoints));
          if (k.freeShipping) perks.push(T('tiers.free_shipping'));
          return h('tr', tier.rank === t.rank ? { 'aria-current': 'true' } : {}, [
            h('th', { scope: 'row', text: t.name }), h('td', { text: t.paidOnly ? T('tiers.paid_only') : t.threshold ? amt(t.threshold) : '\u2013' }), h('td', { text: perks.join(', ') || '\u2013' })
          ]);
        }))
      ])]);
    }
    // The period's last day in the shop's zone: periodEnd is the (exclusive) local midnight after it.
    function lastDay(periodEnd, timeZone) {
      const day = new Date(new Date(periodEnd).getTime() - 86400000);
      try {
        return new Intl.DateTimeFormat(cfg.dl, { day: 'numeric', month: 'numeric', timeZone: timeZone || undefined }).format(day);
      } catch { // an unknown zone: the shopper's own
        return new Intl.DateTimeFormat(cfg.dl, { day: 'numeric', month: 'numeric' }).format(day);
      }
    }

    // ---- rewards and the redeem flow ----
    function rewardsSection(d, who) {
      const rewards = d.rewards || [];
      if (!rewards.length) return section('rewards', [h('p', { class: 'kanta-empty', text: T('rewards.empty') })]);
      return section('rewards', [
        who === 'guest' && h('p', { class: 'kanta-sec__hint', text: T('guest.rewards_hint') }),
        list(rewards.map((r) => rewardRow(r, who === 'member')))
      ]);
    }

    function rewardRow(r, member) {
      const st = P.rows[r.id] || {};
      const reasonId = uid + '-why-' + r.id;
      const meta = [TN('general.points', r.pointsCost) + (r.rate ? ' = ' + money(r.rate.unitMinor) : r.type === 'store_credit' ? ' = ' + T('rewards.credit_value', { amount: money(r.valueMinor) }) : r.tierTerms ? ' = ' + words(r) : ''), r.minOrderMinor ? T('rewards.min_order', { amount: money(r.minOrderMinor) }) : ''].filter(Boolean).join(' \u00b7 ');
      let aside = null, reason = null;
      if (member && st.step !== 'confirm' && st.step !== 'busy' && st.step !== 'error') {
        if (r.redeemable) {
          aside = btn('primary kanta-btn--sm', T('rewards.redeem'), 'redeem:' + r.id, () => { startConfirm(r); });
        } else {
          aside = btn('primary kanta-btn--sm', T('rewards.redeem'), null, null, { disabled: true, 'aria-describedby': reasonId });
          const points = P.data.customer.points;
          reason = h('span', { id: reasonId, class: 'kanta-reason' }, r.reason === 'insufficient_points'
            ? [TN('rewards.need_more', r.neededPoints || Math.max(0, r.pointsCost - points)),
              h('span', { class: 'kanta-progress', 'aria-hidden': 'true' }, h('span', { style: 'width:' + Math.min(100, Math.round(100 * points / r.pointsCost)) + '%' }))]
            : r.reason === 'tier_required' && r.minTierName ? T('rewards.tier_locked', { tier: r.minTierName })
              : T(r.reason === 'tier_required' ? 'rewards.tier_required' : 'rewards.unavailable'));
        }
      }
      return row({
        icon: REWARD_ICON[r.type] || 'gift',
        title: r.name,
        meta: [meta, reason],
        aside: aside,
        extra: member && redeemExtra(r, st)
      });
    }

    function redeemExtra(r, st) {
      if (st.step === 'confirm' || st.step === 'busy') {
        const busy = st.step === 'busy', rate = r.rate, id = uid + '-pts-' + r.id;
        // points_to_money: the shopper picks the points in steps of the rate.
        const ask = () => TN('rewards.confirm_question', rate ? st.points : r.pointsCost, { reward: rate ? T('rewards.worth', { amount: money(st.points / rate.pointsPerUnit * rate.unitMinor) }) : r.name });
        const q = h('p', { class: 'kanta-box__text', text: ask() });
        const input = rate && h('input', {
          id: id, type: 'number', class: 'kanta-input', min: rate.pointsPerUnit, max: st.max, step: rate.pointsPerUnit, value: st.points, 'data-k': 'pts:' + r.id, disabled: busy,
          oninput: () => { st.points = Math.max(rate.pointsPerUnit, Math.min(st.max, input.value - input.value % rate.pointsPerUnit)); q.textContent = ask(); }
        });
        return h('div', { class: 'kanta-box' }, [
          input && h('label', { class: 'kanta-label', for: id, text: T('rewards.points_to_use') }), input, q,
          h('div', { class: 'kanta-actions' }, [
            btn('primary kanta-btn--sm', busy ? T('rewards.redeeming') : T('rewards.confirm'), 'confirm:' + r.id,
              () => { if (!busy) redeem(r, uuid()); }, { 'aria-disabled': busy ? 'true' : null }),
            !busy && btn('plain kanta-btn--sm', T('rewards.cancel'), 'cancel:' + r.id, () => { resetRow(r); })
          ])
        ]);
      }
      if (st.step === 'error') {
        return h('div', { class: 'kanta-box kanta-box--error' }, [
          h('p', { class: 'kanta-box__text', text: st.message }),
          h('div', { class: 'kanta-actions' }, [
            st.requestId && btn('primary kanta-btn--sm', T('general.retry'), 'retry:' + r.id, () => { redeem(r, st.requestId); }),
            st.signIn && h('a', { class: 'kanta-btn kanta-btn--primary kanta-btn--sm', href: cfg.loginUrl }, T('guest.sign_in')),
            btn('plain kanta-btn--sm', T('rewards.cancel'), 'cancel:' + r.id, () => { resetRow(r); })
          ])
        ]);
      }
      if (st.step === 'done') {
        const red = st.redemption;
        // Store credit: no code to copy; it is on the shopper's account for checkout.
        if (red.kind === 'store_credit') {
          if (!ready(red)) return h('div', { class: 'kanta-box' }, h('p', { class: 'kanta-box__text', text: T('rewards.credit_pending') }));
          return h('div', { class: 'kanta-box kanta-box--success' }, [
            h('p', { class: 'kanta-box__title', tabindex: '-1', 'data-k': 'ready:' + r.id }, [icon('check'), T('rewards.credit_added', { amount: money(red.creditMinor) })]),
            h('p', { class: 'kanta-box__text', text: T('rewards.credit_note') })
          ]);
        }
        if (!red.code) return h('div', { class: 'kanta-box' }, h('p', { class: 'kanta-box__text', text: T('rewards.code_pending') }));
        return h('div', { class: 'kanta-box kanta-box--success' }, [
          h('p', { class: 'kanta-box__title', tabindex: '-1', 'data-k': 'ready:' + r.id }, [icon('check'), T('rewards.code_ready')]),
          codeBox(red.code, 'copy:' + r.id),
          h('a', { class: 'kanta-btn kanta-btn--secondary kanta-btn--sm', href: applyUrl(red.code) }, T('rewards.apply'))
        ]);
      }
      return null;
    }

    function ready(x) {
      return x.kind === 'store_credit' ? x.creditMinor != null : !!x.code;
    }
    function readyText(r, x) {
      return x.kind === 'store_credit' ? T('rewards.credit_announce', { reward: r.name, amount: money(x.creditMinor) }) : T('rewards.code_ready_announce', { reward: r.name, code: x.code });
    }
    function applyUrl(code) {
      return '/discount/' + encodeURIComponent(code) + '?redirect=' + encodeURIComponent(cfg.cartUrl || '/cart');
    }
    function startConfirm(r) {
      Object.keys(P.rows).forEach((id) => { if (P.rows[id].step !== 'done') delete P.rows[id]; });
      const rate = r.rate, step = rate && rate.pointsPerUnit;
      const max = rate && Math.min(Math.floor(P.data.customer.points / step) * step, rate.maxMinor ? Math.floor(rate.maxMinor / rate.unitMinor) * step : Infinity);
      P.rows[r.id] = { step: 'confirm', points: max, max: max };
      P.focusKey = (rate ? 'pts:' : 'confirm:') + r.id;
      render();
    }
    function resetRow(r) {
      delete P.rows[r.id];
      P.focusKey = 'redeem:' + r.id;
      render();
    }

    // One requestId per Confirm click, reused by "Try again" when the outcome is unknown
    // (network, 5xx, 429): the server treats a repeated requestId as the same redemption.
    function redeem(r, requestId) {
      const was = P.rows[r.id] || {};
      P.rows[r.id] = { step: 'busy', requestId: requestId, points: was.points, max: was.max };
      P.focusKey = 'confirm:' + r.id;
      render();
      post('/redeem', { rewardId: r.id, requestId: requestId, points: r.rate ? was.points : undefined }).then((res) => {
        const red = res.body.redemption;
        if (res.ok && red && red.status !== 'failed') {
          P.rows[r.id] = { step: 'done', redemption: red };
          P.focusKey = 'ready:' + r.id;
          spend(red);
          announce(ready(red) ? readyText(r, red) : T(red.kind === 'store_credit' ? 'rewards.credit_pending' : 'rewards.code_pending'));
          if (!ready(red)) waitForCode(r, red.id, 0);
          else K.load(cfg, true).catch(noop);
          return;
        }
        const error = red && red.status === 'failed' ? 'shopify_failed' : res.body.error;
        if (error === 'shopify_failed') res.body.error = error;
        const retry = res.status === 0 || res.status === 429 || (res.status >= 500 && error !== 'shopify_failed');
        const message = errText(res);
        P.rows[r.id] = { step: 'error', requestId: retry ? requestId : null, message: message, signIn: res.status === 401, points: was.points, max: was.max };
        P.focusKey = retry ? 'retry:' + r.id : 'cancel:' + r.id;
        render();
        announce(message);
        if (!retry) K.load(cfg, true).catch(noop); // the balance or the reward may have changed
      });
    }

    // Show the spend at once (launcher included); the refetch that follows has the truth.
    function spend(red) {
      const c = P.data.customer;
      if ((c.redemptions || []).some((x) => x.id === red.id)) return render(); // a replay, already counted
      c.points -= red.pointsSpent;
      c.redemptions = [red].concat(c.redemptions || []);
      (P.data.rewards || []).forEach((r) => {
        if (r.reason !== null && r.reason !== 'insufficient_points') return;
        r.redeemable = c.points >= r.pointsCost;
        r.reason = r.redeemable ? null : 'insufficient_points';
        r.neededPoints = Math.max(0, r.pointsCost - c.points);
      });
      K.publish(cfg, P.data);
      render();
    }

    // 202: Shopify has not confirmed the code yet; look again a few times.
    function waitForCode(r, id, n) {
      if (n > 5) return;
      setTimeout(() => {
        K.load(cfg, true).then((d) => {
          const found = ((d.customer && d.customer.redemptions) || []).filter((x) => x.id === id)[0];
          const st = P.rows[r.id];
          if (found && ready(found)) {
            if (st && st.step === 'done') { st.redemption = found; render(); }
            announce(readyText(r, found));
          } else if (!found || found.status === 'pending') waitForCode(r, id, n + 1);
        }, () => { waitForCode(r, id, n + 1); });
      }, 1500 * (n + 1));
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

    function codesSection(c) {
      const codes = (c.redemptions || []).filter((x) => x.status === 'issued' || x.status === 'used' || x.status === 'pending');
      if (!codes.length) return null;
      return section('codes', list(codes.map((x) => {
        const used = x.status === 'used';
        const value = x.code && h('code', { class: 'kanta-code__value', text: x.code });
        if (x.kind === 'store_credit') {
          return row({ icon: 'wallet', title: x.rewardName, meta: [ready(x) ? T('rewards.credit_added', { amount: money(x.creditMinor) }) : T('rewards.credit_pending')] });
        }
        return row({
          icon: 'tag',
          cls: used ? 'kanta-row--muted' : '',
          title: value || x.rewardName,
          meta: [
            value ? x.rewardName : T('rewards.code_pending'),
            used ? T('rewards.used') : x.expiresAt && T('rewards.expires', { date: date(x.expiresAt) })
          ],
          aside: !used && x.code && copyButton(x.code, 'code:' + x.id, value, T('rewards.copy_code', { code: x.code }))
        });
      })));
    }

    // ---- gifts (0031): add the variant (Cart API), then apply its code and open the cart ----
    function giftsSection(c) {
      const gifts = c.gifts || [];
      return gifts.length ? section('gifts', list(gifts.map(giftRow)), T('gifts.title')) : null;
    }
    function giftRow(g) {
      const st = P.gifts[g.id] || {};
      return row({
        pic: g.imageUrl && (safeUrl(g.imageUrl) || /^\/(?!\/)/.test(g.imageUrl)) && h('img', { class: 'kanta-gift__img', src: g.imageUrl, alt: '', width: 48, height: 48, loading: 'lazy' }),
        icon: 'gift',
        title: g.title,
        meta: [T('gifts.free'), g.expiresAt && T('rewards.expires', { date: date(g.expiresAt) }), st.error && h('span', { class: 'kanta-reason--error', role: 'alert', text: T('gifts.error') })],
        aside: btn('primary', T(st.busy ? 'gifts.adding' : 'gifts.add'), 'gift:' + g.id, () => { addGift(g); }, { 'aria-label': T(st.busy ? 'gifts.adding' : 'gifts.add') + ': ' + g.title, 'aria-disabled': st.busy && 'true' })
      });
    }
    function addGift(g) {
      if ((P.gifts[g.id] || {}).busy) return;
      const done = (st, msg) => { P.gifts[g.id] = st; P.focusKey = 'gift:' + g.id; render(); announce(T(msg)); };
      done({ busy: true }, 'gifts.adding');
      fetch((cfg.cartUrl || '/cart') + '/add.js', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ items: [{ id: +g.variantId, quantity: 1 }] })
      }).then((res) => {
        if (!res.ok) throw res;
        announce(T('gifts.added'));
        location.assign(applyUrl(g.code));
      }).catch(() => { done({ error: true }, 'gifts.error'); });
    }

    // ---- ways to earn ----
    function waysSection(d, who) {
      const ways = d.ways || [];
      const items = ways.map((w) => wayRow(d, w, who === 'member'));
      if (!items.length) {
        if (d.program.earn) items.push(row({ icon: 'bag', title: earnRate(d.program.earn) }));
        if (d.program.signupPoints && who === 'guest') items.push(row({ icon: 'user', title: TN('guest.signup_bonus', d.program.signupPoints) }));
      }
      // The member gives their birthday here, birthday rule or not; the points (if any) come on the day.
      if (who === 'member' && !ways.some((w) => w.type === 'birthday')) items.push(wayRow(d, { id: 'bday', type: 'birthday', name: T('ways.birthday') }, true));
      return items.length ? section('ways', list(items)) : null;
    }

    function wayRow(d, w, member) {
      const st = P.ways[w.id] || (P.ways[w.id] = {});
      const state = st.done ? 'done' : w.state;
      const url = w.config && safeUrl(w.config.url);
      let aside = null, extra = null;
      if (member && w.type === 'birthday') {
        const b = d.customer.birthday;
        if (!b || !b.changeableFrom) aside = btn('secondary kanta-btn--sm', T(b ? 'ways.change' : 'ways.add'), 'bday:' + w.id, () => { st.form = !st.form; P.focusKey = st.form && 'bmonth'; render(); }, { 'aria-expanded': String(!!st.form) });
        return row({ icon: 'cake', title: w.name, meta: [w.points && TN('general.points', w.points), b ? T('ways.birthday_on', { date: dm(b.month, b.day, { day: 'numeric' }) }) : T('ways.birthday_hint')], aside: aside,
          extra: (st.form || st.message) && [st.form && birthdayForm(w, st, b), st.message && h('p', { class: 'kanta-reason kanta-reason--error', text: st.message })] });
      }
      if (member) {
        if (state === 'done') {
          aside = h('span', { class: 'kanta-done', tabindex: '-1', 'data-k': 'way:' + w.id }, [icon('check'), T('ways.done')]);
        } else if (state === 'go' && url) {
          aside = h('a', {
            class: 'kanta-btn kanta-btn--secondary kanta-btn--sm', href: url, target: '_blank', rel: 'noopener noreferrer',
            'data-k': 'go:' + w.id, 'aria-disabled': st.busy ? 'true' : null,
            onclick: () => { if (!st.busy) claim(w, {}); } // the page opens; the points follow
          }, T(w.type === 'social_follow' ? 'ways.follow' : 'ways.open'));
        } else if (state === 'claim' || state === 'go') {
          aside = btn('primary kanta-btn--sm', T('ways.claim'), 'claim:' + w.id, () => {
            if (!st.busy) claim(w, {});
          }, { 'aria-disabled': st.busy ? 'true' : null });
        }
        if (st.message) extra = [extra, h('p', { class: 'kanta-reason kanta-reason--error', text: st.message })];
      }
      return row({
        icon: WAY_ICON[w.type] || 'spark',
        title: w.name,
        meta: [w.type === 'purchase' && (w.earn || d.program.earn) ? earnRate(w.earn || d.program.earn) : TN('general.points', w.points)],
        aside: aside,
        extra: extra
      });
    }

    function dm(m, d, o) { return new Intl.DateTimeFormat(cfg.dl, Object.assign({ month: 'long', timeZone: 'UTC' }, o)).format(Date.UTC(2000, m - 1, d || 1)); }
    // Month and day as selects (a date input would demand a year); the year is optional.
    function birthdayForm(w, st, b) {
      const v = st.v || (st.v = b ? { month: b.month, day: b.day, year: b.year } : {});
      const pick = (k, n, name) => {
        const o = [h('option', { value: '' }, T('ways.' + k))];
        for (let i = 1; i <= n; i++) o.push(h('option', { value: i, selected: v[k] == i }, name ? name(i) : i));
        return h('select', { class: 'kanta-input', 'aria-label': T('ways.' + k), required: true, 'data-k': 'b' + k, onchange: (e) => { v[k] = e.target.value; } }, o);
      };
      return h('form', { class: 'kanta-form kanta-bday', onsubmit: (e) => {
        e.preventDefault();
        if (st.busy) return;
        st.busy = true; st.message = null; render();
        post('/birthday', { month: +v.month, day: +v.day, year: +v.year || null }).then((res) => {
          st.busy = false;
          if (res.ok) { P.data.customer.birthday = res.body.birthday; K.publish(cfg, P.data); st.form = st.v = null; P.focusKey = 'bday:' + w.id; }
          st.message = res.ok ? null : errText(res);
          announce(st.message || T('ways.saved'));
          render();
        });
      } }, h('div', { class: 'kanta-actions' }, [
        pick('month', 12, dm), pick('day', 31),
        h('input', { class: 'kanta-input', type: 'number', min: 1900, max: new Date().getFullYear(), value: v.year, placeholder: T('ways.year'), 'aria-label': T('ways.year'), 'data-k': 'byear', oninput: (e) => { v.year = e.target.value; } }),
        h('button', { type: 'submit', class: 'kanta-btn kanta-btn--primary kanta-btn--sm', 'data-k': 'bsave' }, T('ways.save'))
      ]));
    }

    function claim(w, extra) {
      const st = P.ways[w.id];
      st.busy = true;
      st.message = null;
      render();
      post('/actions/' + encodeURIComponent(w.type), Object.assign({ ruleId: w.id }, extra)).then((res) => {
        st.busy = false;
        const c = P.data.customer;
        if (res.ok || res.body.error === 'already_claimed') {
          st.done = true;
          st.form = false;
          P.focusKey = 'way:' + w.id;
          if (res.ok && c && typeof res.body.points === 'number') {
            c.points = res.body.points;
            K.publish(cfg, P.data);
          }
          announce(!res.ok ? errText(res) : res.body.awarded > 0 ? TN('ways.earned', res.body.awarded) : T('ways.done'));
          K.load(cfg, true).catch(noop);
        } else {
          st.message = errText(res);
          announce(st.message);
        }
        render();
      });
    }

    // ---- referral (only when the app sends it) and activity ----
    function referralSection(c) {
      const ref = c.referral;
      if (!ref || !safeUrl(ref.url)) return null;
      const id = uid + '-ref';
      const input = h('input', { id: id, class: 'kanta-code__value', value: ref.url, readonly: true, onfocus: () => { input.select(); } });
      const msg = encodeURIComponent(T('referral.message', { shop: cfg.shopName || '', url: ref.url }));
      const link = (label, href) => {
        return h('a', { class: 'kanta-share__link', href: href, target: href.slice(0, 7) === 'mailto:' ? null : '_blank', rel: 'noopener noreferrer' }, label);
      };
      return section('referral', [
        h('p', { class: 'kanta-sec__hint', text: ref.friendOffer && ref.reward ? T('referral.offer', { offer: words(ref.friendOffer), reward: words(ref.reward) }) : T('referral.text') }),
        h('label', { class: 'kanta-label', for: id, text: T('referral.link') }),
        h('div', { class: 'kanta-code' }, [input, copyButton(ref.url, 'ref-copy', input)]),
        typeof ref.friendsJoined === 'number' && h('p', { class: 'kanta-row__meta', text: TN('referral.friends_joined', ref.friendsJoined) + (ref.completed ? ' \u00b7 ' + TN('referral.completed', ref.completed) : '') }),
        h('p', { class: 'kanta-share' }, [
          h('span', { class: 'kanta-share__label', text: T('referral.share') }),
          link(T('referral.email'), 'mailto:?body=' + msg),
          link('WhatsApp', 'https://wa.me/?text=' + msg),
          link('Facebook', 'https://www.facebook.com/sharer/sharer.php?u=' + encodeURIComponent(ref.url)),
          link('X', 'https://x.com/intent/tweet?text=' + msg)
        ])
      ]);
    }

    function activitySection(c) {
      const entries = (c.recentActivity || []).slice(0, 8);
      return section('activity', entries.length ? list(entries.map((a) => {
        const pending = !a.points && a.pendingPoints;
        const n = a.points || a.pendingPoints;
        const kind = 'activity.' + a.kind;
        const label = cfg.strings[kind] != null ? T(kind) : null;
        // The kind in the shopper's language; the app's note (order number, reward) below it.
        return row({
          title: label || a.note || a.kind,
          meta: [label && a.note, date(a.at) + (pending ? ' \u00b7 ' + TN('member.pending', Math.abs(n)) : '')],
          aside: h('span', { class: 'kanta-delta' + (pending ? ' kanta-delta--pending' : n > 0 ? ' kanta-delta--plus' : '') }, signed(n))
        });
      }), 'kanta-list--compact') : h('p', { class: 'kanta-empty', text: T('activity.empty') }));
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

  window.KantaPanel = { open: open, close: close, mountInline: mountInline };
  mountInline();
  document.addEventListener('shopify:section:load', mountInline); // theme editor re-renders
})();
