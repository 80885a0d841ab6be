/*
 * The rewards panel's ways to earn: the actions to claim and the birthday. A module of kanta-panel.js, bundled with it into
 * kanta-panel.min.js (scripts/build-widget.mjs); `ui` is the panel's state and helpers.
 */
import { WAY_ICON, icon, noop, safeUrl } from './kanta-panel-ui.js';

export function earnPart(ui) {
  const { cfg, K, P, h, T, TN, money, btn, section, row, list, post, errText, announce, render } = ui;
  function earnRate(e) { return TN('guest.earn_rate', e.points, { amount: money(e.spendMinor) }); }

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

  return { waysSection: waysSection };
}
