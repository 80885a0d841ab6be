/*
 * The rewards panel's member's standing: the tier card, the referral link and the activity. A module of kanta-panel.js, bundled with it into
 * kanta-panel.min.js (scripts/build-widget.mjs); `ui` is the panel's state and helpers.
 */
import { safeUrl } from './kanta-panel-ui.js';

export function memberPart(ui) {
  const { cfg, P, h, uid, T, TN, N, money, date, words, section, row, list, copyButton } = ui;
  function signed(n) { return (n > 0 ? '+' : n < 0 ? '\u2212' : '') + N(Math.abs(n)); }

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

  return { tierCard: tierCard, referralSection: referralSection, activitySection: activitySection };
}
