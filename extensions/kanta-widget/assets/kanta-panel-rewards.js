/*
 * The rewards panel's rewards: the redeem flow, the codes and the gifts. A module of kanta-panel.js, bundled with it into
 * kanta-panel.min.js (scripts/build-widget.mjs); `ui` is the panel's state and helpers.
 */
import { REWARD_ICON, icon, noop, safeUrl, uuid } from './kanta-panel-ui.js';

export function rewardsPart(ui) {
  const { cfg, K, P, h, uid, T, TN, money, date, words, btn, section, row, list, copyButton, codeBox, post, errText, announce, render } = ui;

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

  return { rewardsSection: rewardsSection, codesSection: codesSection, giftsSection: giftsSection };
}
