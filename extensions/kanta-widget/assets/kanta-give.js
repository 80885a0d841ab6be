/*
 * Kanta panel parts for giving and surprises (docs/decisions/0037-charity-and-surprises.md),
 * loaded by kanta-panel.js only when the shopper's data has causes or a surprise to announce:
 *  - the surprise notice: what the member won, shown once (then POST /surprise-seen);
 *  - "Give to a cause": the merchant's causes, an amount in whole currency units, confirm,
 *    thank you. One requestId per Confirm click, reused by "Try again" (a replay donates once).
 * Uses the panel's own helpers (api); all text goes in as text nodes.
 */
(() => {
  'use strict';
  if (window.KantaGive) return;
  const seen = {};
  const state = {};

  window.KantaGive = (api, d, c) => {
    const { h, T, TN, money, btn, row, list, icon, post, render, announce, errText, uuid, uid, codeBox } = api;

    function notices() {
      // Shown once: marked seen on the first render; kept here so a refresh in this page view keeps it.
      (c.surprises || []).forEach((s) => { if (!seen[s.id]) { seen[s.id] = s; post('/surprise-seen', { id: s.id }); } });
      const wins = Object.keys(seen).filter((k) => k.slice(0, 2) !== 'd:').map((k) => seen[k]);
      if (!wins.length) return null;
      return h('div', { class: 'kanta-sec' }, wins.map((s) => {
        const what = s.points ? TN('surprise.points', s.points) : s.rewardText ? T('surprise.reward', { reward: s.rewardText }) : null;
        return h('div', { class: 'kanta-box kanta-box--success', role: 'status' }, [
          h('p', { class: 'kanta-box__title' }, [icon('gift'), T('surprise.title', { name: s.name })]),
          what && h('p', { class: 'kanta-box__text', text: what }),
          s.code ? codeBox(s.code, 'surprise:' + s.id) : s.rewardText && !s.points && h('p', { class: 'kanta-box__text', text: T('surprise.code_pending') })
        ]);
      }));
    }

    function charity() {
      const ch = d.charity;
      if (!ch || !ch.causes.length) return null;
      const id = uid + '-charity';
      const rate = T('charity.rate', { amount: money(Math.pow(10, digits())), points: TN('general.points', ch.pointsPerUnit) });
      return h('section', { class: 'kanta-sec', 'aria-labelledby': id }, [
        h('h3', { id: id, class: 'kanta-sec__title', text: T('charity.title') }),
        h('p', { class: 'kanta-sec__hint', text: rate }),
        list(ch.causes.map((cause) => causeRow(ch, cause)))
      ]);
    }

    function digits() {
      return new Intl.NumberFormat('en', { style: 'currency', currency: d.charity.currencyCode }).resolvedOptions().maximumFractionDigits;
    }
    const unitMinor = () => Math.pow(10, digits());

    function causeRow(ch, cause) {
      const st = state[cause.id] || {};
      const why = uid + '-give-' + cause.id;
      let aside = null, reason = null;
      if (!st.step || st.step === 'done') {
        if (ch.maxUnits > 0) aside = btn('primary kanta-btn--sm', T('charity.donate'), 'give:' + cause.id, () => { start(ch, cause); });
        else {
          aside = btn('primary kanta-btn--sm', T('charity.donate'), null, null, { disabled: true, 'aria-describedby': why });
          reason = h('span', { id: why, class: 'kanta-reason' }, TN('rewards.need_more', Math.max(1, ch.pointsPerUnit - c.points)));
        }
      }
      return row({ icon: 'heart', title: cause.name, meta: [cause.description, reason], aside: aside, extra: extra(ch, cause, st) });
    }

    function start(ch, cause) {
      Object.keys(state).forEach((k) => { delete state[k]; });
      state[cause.id] = { step: 'pick', units: 1 };
      api.P.focusKey = 'units:' + cause.id;
      render();
    }

    function extra(ch, cause, st) {
      const key = cause.id;
      if (st.step === 'pick' || st.step === 'busy') {
        const busy = st.step === 'busy', id = uid + '-units-' + key;
        const ask = () => T('charity.confirm_question', { amount: money(st.units * unitMinor()), cause: cause.name, points: TN('general.points', st.units * ch.pointsPerUnit) });
        const q = h('p', { class: 'kanta-box__text', text: ask() });
        const input = h('input', {
          id: id, type: 'number', class: 'kanta-input', min: 1, max: ch.maxUnits, step: 1, value: st.units, inputmode: 'numeric', 'data-k': 'units:' + key, disabled: busy,
          oninput: () => { st.units = Math.max(1, Math.min(ch.maxUnits, Math.floor(+input.value) || 1)); q.textContent = ask(); }
        });
        return h('div', { class: 'kanta-box' }, [
          h('label', { class: 'kanta-label', for: id, text: T('charity.amount', { currency: d.charity.currencyCode }) }), input, q,
          h('div', { class: 'kanta-actions' }, [
            btn('primary kanta-btn--sm', busy ? T('charity.giving') : T('charity.confirm'), 'gconfirm:' + key, () => { if (!busy) give(ch, cause, uuid()); }, { 'aria-disabled': busy ? 'true' : null }),
            !busy && btn('plain kanta-btn--sm', T('rewards.cancel'), 'gcancel:' + key, () => { delete state[key]; api.P.focusKey = 'give:' + key; render(); })
          ])
        ]);
      }
      if (st.step === 'error') {
        return h('div', { class: 'kanta-box kanta-box--error' }, [
          h('p', { class: 'kanta-box__text', text: st.message }),
          h('div', { class: 'kanta-actions' }, [
            st.requestId && btn('primary kanta-btn--sm', T('general.retry'), 'gretry:' + key, () => { give(ch, cause, st.requestId); }),
            btn('plain kanta-btn--sm', T('rewards.cancel'), 'gcancel:' + key, () => { delete state[key]; render(); })
          ])
        ]);
      }
      if (st.step === 'done') {
        return h('div', { class: 'kanta-box kanta-box--success' }, [
          h('p', { class: 'kanta-box__title', tabindex: '-1', 'data-k': 'thanks:' + key }, [icon('heart'), T('charity.thanks', { amount: money(st.donation.amountMinor), cause: cause.name })]),
          h('p', { class: 'kanta-box__text', text: T('charity.thanks_note') })
        ]);
      }
      return null;
    }

    function give(ch, cause, requestId) {
      const key = cause.id, units = state[key].units;
      state[key] = { step: 'busy', units: units, requestId: requestId };
      api.P.focusKey = 'gconfirm:' + key;
      render();
      post('/donate', { causeId: cause.id, units: units, requestId: requestId }).then((res) => {
        const dn = res.body.donation;
        if (res.ok && dn) {
          state[key] = { step: 'done', donation: dn };
          if (!seen['d:' + dn.id]) {
            seen['d:' + dn.id] = 1;
            c.points -= dn.points;
            ch.maxUnits = Math.floor(c.points / ch.pointsPerUnit);
          }
          api.P.focusKey = 'thanks:' + key;
          api.K.publish(api.cfg, d);
          render();
          announce(T('charity.thanks', { amount: money(dn.amountMinor), cause: cause.name }));
          api.K.load(api.cfg, true).catch(() => {});
          return;
        }
        const retry = res.status === 0 || res.status === 429 || res.status >= 500;
        const message = res.body.error === 'cause_unavailable' || res.body.error === 'charity_unavailable' ? T('charity.unavailable') : errText(res);
        state[key] = { step: 'error', units: units, requestId: retry ? requestId : null, message: message };
        api.P.focusKey = retry ? 'gretry:' + key : 'gcancel:' + key;
        render();
        announce(message);
      });
    }

    return [notices(), charity()];
  };
})();
