/*
 * Kanta referrals, for referred visitors only: kanta-launcher.js loads this when the page was
 * opened through a member's link (/apps/kanta/r/<code> -> /?kanta_ref=<token>) or a referral
 * cookie is kept and this session has not handled it yet. It keeps the visitor token in a
 * first-party cookie and in the cart's attributes (the order's note_attributes carry it to
 * Kanta), and greets the friend with the welcome offer and a form for the code.
 * Shopify's app proxy drops Set-Cookie, which is why the cookie is set here.
 * docs/decisions/0009-referrals.md
 */
(() => {
  'use strict';
  const K = window.Kanta;
  const cfg = K && K.config;
  if (!cfg || window.KantaReferral) return;
  window.KantaReferral = true;

  const T = (k, v) => K.t(cfg, k, v);
  const TOKEN = /^[\w-]{32}$/;
  const DAYS = 30;
  const store = (area, key, value) => {
    try {
      if (value === undefined) return window[area].getItem(key);
      window[area].setItem(key, value);
    } catch { /* private mode */ }
    return null;
  };
  const kept = () => { const m = /(?:^|; )kanta_ref=([\w-]{32})(?:;|$)/.exec(document.cookie); return m && m[1]; };
  const keep = (token) => {
    document.cookie = 'kanta_ref=' + token + '; Path=/; Max-Age=' + DAYS * 86400 + '; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');
  };
  const forget = () => { document.cookie = 'kanta_ref=; Path=/; Max-Age=0; SameSite=Lax'; };

  const url = new URL(location.href);
  const fresh = url.searchParams.get('kanta_ref');
  const previous = kept();
  const token = TOKEN.test(fresh || '') ? fresh : previous;
  if (fresh !== null) {
    // The token leaves the address bar (and so the shared URLs and analytics) at once.
    url.searchParams.delete('kanta_ref');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
  if (!token) return;

  // The AJAX Cart API: the attribute is copied onto the order as a note attribute.
  // https://shopify.dev/docs/api/ajax/reference/cart#post-locale-cart-update-js
  const cartRoot = (window.Shopify && window.Shopify.routes && window.Shopify.routes.root) || '/';
  const remember = (t) => fetch(cartRoot + 'cart/update.js', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ attributes: { kanta_ref: t } })
  }).then((r) => { if (r.ok) store('sessionStorage', 'kanta:ref', t); });

  const query = 'token=' + encodeURIComponent(token) + (previous && previous !== token ? '&previous=' + encodeURIComponent(previous) : '');
  fetch(cfg.proxy + '/referral?' + query + '&locale=' + encodeURIComponent(cfg.lang), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then((r) => (r.status === 404 ? {} : r.ok ? r.json() : Promise.reject(new Error('HTTP ' + r.status))))
    .then((body) => {
      const ref = body.referral;
      if (body.texts) Object.assign(cfg.strings, body.texts); // the greeting's words, in the shopper's language (0036)
      // Unknown, decided, or the member's own link: nothing to remember or show.
      if (!ref || !ref.active || ref.self) {
        if (!ref || !ref.active) forget();
        store('sessionStorage', 'kanta:ref', token);
        return;
      }
      keep(ref.token);
      remember(ref.token).catch(() => {}); // the next session tries again
      if (store('localStorage', 'kanta:ref:shown') !== ref.token) greet(ref);
    })
    .catch(() => {}); // offline: the next page tries again

  // ---- the greeting card ----
  const h = K.h;

  function money(minor, currency) {
    const digits = new Intl.NumberFormat(cfg.locale, { style: 'currency', currency: currency }).resolvedOptions().maximumFractionDigits;
    const scale = Math.pow(10, digits);
    const whole = minor % scale === 0;
    return new Intl.NumberFormat(cfg.locale, { style: 'currency', currency: currency, minimumFractionDigits: whole ? 0 : digits, maximumFractionDigits: whole ? 0 : digits }).format(minor / scale);
  }
  function offerText(o, currency) {
    if (o.type === 'percent_off') return T('referral.percent_off', { percent: K.num(cfg, o.percentOff) });
    if (o.type === 'amount_off') return T('referral.amount_off', { amount: money(o.valueMinor, currency) });
    return T('referral.free_shipping');
  }

  function greet(ref) {
    const uid = 'kanta-friend';
    const offer = offerText(ref.offer, ref.currencyCode);
    const title = ref.referrer.firstName ? T('referral.greeting', { name: ref.referrer.firstName, offer: offer }) : T('referral.greeting_no_name', { offer: offer });
    const root = document.getElementById('kanta-root');
    const card = h('div', {
      class: 'kanta-panel kanta-friend kanta-friend--' + (cfg.settings.position || 'bottom-right'),
      role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': uid + '-title', hidden: true
    });
    // The launcher's colours and offsets, also when the launcher is hidden on phones.
    if (root) ['--kanta-accent', '--kanta-on-accent', '--kanta-x', '--kanta-y'].forEach((p) => { const v = root.style.getPropertyValue(p); if (v) card.style.setProperty(p, v); });
    K.applyColors(cfg, card);
    const live = h('p', { class: 'kanta-sr', role: 'status', 'aria-live': 'polite' });
    const body = h('div', { class: 'kanta-friend__body' });
    const close = () => {
      store('localStorage', 'kanta:ref:shown', ref.token);
      const inside = card.contains(document.activeElement);
      card.remove();
      const launcher = root && root.querySelector('.kanta-launcher');
      if (inside && launcher && launcher.getClientRects().length) launcher.focus();
    };
    card.addEventListener('keydown', (e) => { if (e.key === 'Escape') { e.preventDefault(); close(); } });
    card.appendChild(h('div', { class: 'kanta-bar' }, [
      h('h2', { id: uid + '-title', class: 'kanta-title', text: title }),
      h('button', { type: 'button', class: 'kanta-close', 'aria-label': T('general.close'), onclick: close, text: '\u00d7' })
    ]));
    card.appendChild(body);
    card.appendChild(live);

    const showCode = (code, minOrderMinor) => {
      body.textContent = '';
      const value = h('input', { class: 'kanta-code__value', value: code, readonly: true, 'aria-labelledby': uid + '-ready' });
      const copy = h('button', {
        type: 'button', class: 'kanta-btn kanta-btn--plain', text: T('general.copy'), 'aria-label': T('rewards.copy_code', { code: code }),
        onclick: () => {
          const done = () => { copy.textContent = T('general.copied'); live.textContent = T('general.copied'); };
          value.select();
          if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(code).then(done, () => { try { if (document.execCommand('copy')) done(); } catch { /* left selected */ } });
          else { try { if (document.execCommand('copy')) done(); } catch { /* left selected */ } }
        }
      });
      body.appendChild(h('p', { id: uid + '-ready', class: 'kanta-box__title', tabindex: '-1', text: T('rewards.code_ready') }));
      body.appendChild(h('div', { class: 'kanta-code' }, [value, copy]));
      body.appendChild(h('p', { class: 'kanta-friend__note', text: T('referral.code_note') + (minOrderMinor ? ' ' + T('rewards.min_order', { amount: money(minOrderMinor, ref.currencyCode) }) : '') }));
      body.appendChild(h('a', {
        class: 'kanta-btn kanta-btn--primary',
        href: '/discount/' + encodeURIComponent(code) + '?redirect=' + encodeURIComponent(cfg.cartUrl || '/cart'),
        text: T('rewards.apply')
      }));
      live.textContent = T('rewards.code_ready_announce', { reward: offer, code: code });
      store('localStorage', 'kanta:ref:shown', ref.token);
    };

    if (ref.code) showCode(ref.code, ref.offer.minOrderMinor);
    else {
      const id = uid + '-email';
      const input = h('input', { id: id, class: 'kanta-input', type: 'email', name: 'email', autocomplete: 'email', required: true, 'aria-describedby': uid + '-error' });
      const error = h('p', { id: uid + '-error', class: 'kanta-reason kanta-reason--error' });
      const submit = h('button', { type: 'submit', class: 'kanta-btn kanta-btn--primary', text: T('referral.get_code') });
      const form = h('form', {
        class: 'kanta-form', novalidate: true,
        onsubmit: (e) => {
          e.preventDefault();
          if (submit.getAttribute('aria-disabled')) return;
          const email = input.value.trim();
          if (!/^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(email)) { fail('invalid_email'); return; }
          submit.setAttribute('aria-disabled', 'true');
          submit.textContent = T('referral.getting_code');
          fetch(cfg.proxy + '/referral/claim', {
            method: 'POST',
            credentials: 'same-origin',
            headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
            body: JSON.stringify({ token: ref.token, email: email })
          }).then((r) => r.json().then((b) => ({ ok: r.ok, body: b || {} }), () => ({ ok: false, body: {} })), () => ({ ok: false, body: { error: 'network' } }))
            .then((res) => {
              if (res.ok && res.body.code) {
                showCode(res.body.code, ref.offer.minOrderMinor);
                const title = body.querySelector('[tabindex="-1"]');
                if (title) title.focus();
                return;
              }
              submit.removeAttribute('aria-disabled');
              submit.textContent = T('referral.get_code');
              fail(res.body.error);
            });
        }
      }, [
        h('label', { class: 'kanta-label', for: id, text: T('referral.email') }),
        h('div', { class: 'kanta-actions' }, [input, submit]),
        error
      ]);
      const ERRORS = {
        invalid_email: 'errors.invalid_email', own_link: 'errors.own_link', already_claimed: 'errors.offer_claimed',
        existing_customer: 'errors.existing_customer', closed: 'errors.offer_closed', shopify_failed: 'errors.code_failed',
        daily_cap: 'errors.welcome_cap', rate_limited: 'errors.rate_limited', network: 'errors.network'
      };
      const fail = (code) => {
        error.textContent = T(ERRORS[code] || 'errors.generic');
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      };
      body.appendChild(h('p', { class: 'kanta-friend__text', text: T('referral.claim_text') }));
      body.appendChild(form);
    }

    const show = () => {
      document.body.appendChild(card);
      card.hidden = false;
      live.textContent = title; // announced once; focus stays where the shopper is
    };
    // The card uses the panel's styles (the launcher loads them on first open otherwise).
    if (cfg.panelCss && !document.querySelector('link[href="' + cfg.panelCss + '"]')) {
      const link = h('link', { rel: 'stylesheet', href: cfg.panelCss });
      link.onload = show;
      link.onerror = show;
      document.head.appendChild(link);
    } else show();
  }
})();
