/*
 * Kanta challenges, badges and the monthly leaderboard (0035). Loaded by kanta-panel.js with
 * the first member view (never before the panel opens), and by the leaderboard theme block
 * (blocks/leaderboard.liquid), which it mounts on its own. Needs window.Kanta from
 * kanta-launcher.js. All text goes in as text nodes; requests go only to the app proxy.
 */
(() => {
  'use strict';
  const K = window.Kanta;
  if (!K || window.KantaChallenges) return;
  const h = K.h;

  // ---- panel sections ----
  function sections(a, d, c) {
    return [challengesSection(a, c), badgesSection(a, c), a.cfg.settings.leaderboard === false ? null : boardSection(a)];
  }

  function goal(a, ch) {
    if (ch.kind === 'spend') return a.T('challenges.goal_spend', { amount: a.money(ch.target) });
    if (ch.kind === 'spend_in_collection') return a.T('challenges.goal_spend_collection', { amount: a.money(ch.target), collection: ch.collection || '' });
    if (ch.kind === 'referrals') return a.TN('challenges.goal_referrals', ch.target);
    if (ch.kind === 'profile_complete') return a.T('challenges.goal_profile');
    return a.TN('challenges.goal_orders', ch.target);
  }
  function done(a, ch) {
    if (ch.completed) return a.T('challenges.completed');
    const f = ch.kind.slice(0, 5) === 'spend' ? a.money : a.N;
    return a.T('challenges.progress', { done: f(ch.progress), total: f(ch.target) });
  }
  function prize(a, ch) {
    const parts = [ch.rewardPoints && a.TN('general.points', ch.rewardPoints), ch.badge && ch.badge.glyph + ' ' + ch.badge.name].filter(Boolean);
    return parts.length ? a.T('challenges.reward', { reward: parts.join(' + ') }) : null;
  }
  function until(a, ch) {
    if (ch.completed) return null;
    if (ch.windowDays) return a.TN('challenges.days', ch.windowDays);
    return ch.endsAt ? a.T('challenges.ends', { date: a.date(ch.endsAt) }) : null;
  }

  function challengesSection(a, c) {
    const list = c.challenges || [];
    if (!list.length) return null;
    return a.section('challenges', a.list(list.map((ch) => a.row({
      icon: ch.completed ? 'check' : 'spark',
      title: ch.name,
      meta: [ch.description || goal(a, ch), prize(a, ch), until(a, ch)],
      extra: [
        h('span', {
          class: 'kanta-progress', role: 'progressbar', 'aria-label': ch.name,
          'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': String(ch.percent), 'aria-valuetext': done(a, ch)
        }, h('span', { style: 'width:' + ch.percent + '%' })),
        h('p', { class: 'kanta-row__meta', text: done(a, ch) })
      ]
    }))));
  }

  function badgesSection(a, c) {
    const list = c.badges || [];
    if (!list.length) return null;
    return a.section('badges', badgeList(list));
  }
  function badgeList(list) {
    return h('ul', { class: 'kanta-badges', role: 'list' }, list.map((b) => h('li', { class: 'kanta-badges__item', title: b.description || null }, [
      h('span', { class: 'kanta-badges__icon', 'aria-hidden': 'true', text: b.glyph }),
      h('span', { class: 'kanta-badges__name', text: b.name })
    ])));
  }

  // ---- the leaderboard (panel section and theme block) ----
  const boards = {}; // per proxy path: { data, status: loading | ready | error, message }

  // The theme block has no panel data, so it asks for the texts too (0036).
  function fetchBoard(cfg, redraw, withTexts) {
    const s = boards[cfg.proxy] || (boards[cfg.proxy] = { status: 'loading' });
    if (s.promise) return s.promise;
    const q = withTexts ? '?texts=1&locale=' + encodeURIComponent(cfg.lang || '') : '';
    s.promise = fetch(cfg.proxy + '/leaderboard' + q, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
      .then((d) => { if (d.texts) Object.assign(cfg.strings, d.texts); s.data = d; s.status = 'ready'; }, () => { s.status = 'error'; s.promise = null; })
      .then(redraw);
    return s.promise;
  }

  function boardBody(cfg, s, t, tn, n, toggle) {
    if (s.status === 'loading') return h('p', { class: 'kanta-empty', text: t('general.loading') });
    if (s.status === 'error' && !s.data) return h('p', { class: 'kanta-empty', text: t('general.load_error') });
    const d = s.data, me = d.me;
    const rows = d.top.map((r) => h('li', { class: 'kanta-board__row' + (r.you ? ' kanta-board__row--you' : '') }, [
      h('span', { class: 'kanta-board__rank', text: n(r.rank) }),
      h('span', { class: 'kanta-board__name', text: (r.name || t('leaderboard.anonymous')) + (r.you ? ' (' + t('leaderboard.you') + ')' : '') }),
      h('span', { class: 'kanta-board__points', text: tn('general.points', r.points) })
    ]));
    let mine = null;
    if (me && me.optedIn) mine = me.rank ? t('leaderboard.your_rank', { rank: n(me.rank) }) : t('leaderboard.no_points');
    return [
      h('p', { class: 'kanta-sec__hint', text: t('leaderboard.hint') }),
      rows.length ? h('ol', { class: 'kanta-board', 'aria-label': t('leaderboard.top') }, rows) : h('p', { class: 'kanta-empty', text: t('leaderboard.empty') }),
      mine && h('p', { class: 'kanta-board__me', role: 'status', text: mine }),
      s.message && h('p', { class: 'kanta-reason kanta-reason--error', text: s.message }),
      me && toggle(me.optedIn)
    ];
  }

  function boardSection(a) {
    const s = boards[a.cfg.proxy];
    if (!s || (!s.data && !s.promise && s.status !== 'error')) fetchBoard(a.cfg, a.render);
    const toggle = (inIt) => a.btn(inIt ? 'plain' : 'secondary', a.T(inIt ? 'leaderboard.leave' : 'leaderboard.join'), 'lb-toggle', () => {
      a.post('/leaderboard', { join: !inIt }).then((res) => {
        const st = boards[a.cfg.proxy];
        st.message = res.ok ? null : (res.body && res.body.message) || a.T('errors.generic');
        if (res.ok) st.data = res.body;
        a.P.focusKey = 'lb-toggle';
        a.render();
      });
    });
    return a.section('leaderboard', boardBody(a.cfg, boards[a.cfg.proxy] || { status: 'loading' }, a.T, a.TN, a.N, toggle));
  }

  // The theme block: its own config (blocks/leaderboard.liquid), no panel needed.
  function mountBoards() {
    [].forEach.call(document.querySelectorAll('[data-kanta-leaderboard]'), (host) => {
      if (host.kantaBoard) return;
      const cfgEl = document.getElementById(host.getAttribute('data-kanta-leaderboard'));
      const cfg = cfgEl && K.readConfig(cfgEl);
      if (!cfg) return;
      host.kantaBoard = true;
      const t = (k, v) => K.t(cfg, k, v), tn = (k, n, v) => K.tn(cfg, k, n, v), n = (x) => K.num(cfg, x);
      const draw = () => {
        const s = boards[cfg.proxy] || { status: 'loading' };
        const toggle = (inIt) => h('button', { type: 'button', class: 'kanta-btn kanta-btn--' + (inIt ? 'plain' : 'secondary'), onclick: () => {
          fetch(cfg.proxy + '/leaderboard', { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ join: !inIt }) })
            .then((r) => r.json().then((b) => ({ ok: r.ok, body: b || {} })), () => ({ ok: false, body: {} }))
            .then((res) => { s.message = res.ok ? null : res.body.message || t('errors.generic'); if (res.ok) s.data = res.body; draw(); });
        } }, t(inIt ? 'leaderboard.leave' : 'leaderboard.join'));
        host.textContent = '';
        K.add(host, boardBody(cfg, s, t, tn, n, cfg.loggedIn ? toggle : () => null));
      };
      draw();
      fetchBoard(cfg, draw, true);
    });
  }

  window.KantaChallenges = { sections: sections, mountBoards: mountBoards };
  mountBoards();
  document.addEventListener('shopify:section:load', mountBoards);
})();
