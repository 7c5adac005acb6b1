// The dashboard: campaigns (funnel, lift against control, ROI; as of a date, under an attribution
// model), scorecards rolled up the org tree, supervision exceptions. A plain script over the public
// API with the user's own bearer token, so it shows exactly what that user may see. Every value is
// written with textContent: nothing from the API is ever parsed as HTML.
(function () {
  'use strict';

  const KEY = 'campaign-platform-token';
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem(KEY);
  let org = null;
  let selected = null;
  /** Only the newest campaign request may draw: a slow replay must not overwrite a later choice. */
  let generation = 0;

  // --- helpers -------------------------------------------------------------------------------
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
      else node.setAttribute(k, v);
    }
    for (const c of children) if (c !== null && c !== undefined) node.append(c instanceof Node ? c : String(c));
    return node;
  }
  const pct = (x, digits = 1) => (x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`);
  const money = (s) => (s === null || s === undefined ? '–' : Number(s).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
  const num = (x) => (x === null || x === undefined ? '–' : Number(x).toLocaleString('en-US'));
  const signClass = (x) => (x === null || x === undefined ? '' : x < 0 ? 'negative' : 'positive');

  function table(target, headers, rows, onRow) {
    const textColumns = (rows[0] && rows[0].text) || [];
    target.replaceChildren(el('thead', {}, el('tr', {}, ...headers.map((h, i) => el('th', textColumns.includes(i) ? { class: 'text' } : {}, h)))));
    const body = el('tbody');
    for (const row of rows) {
      const tr = el('tr', onRow ? { class: 'clickable', onclick: () => onRow(row) } : {}, ...row.cells.map((c, i) => el('td', { class: [i === 0 || row.text?.includes(i) ? 'text' : '', c && c.cls ? c.cls : ''].join(' ') }, c && c.v !== undefined ? c.v : c)));
      if (row.selected) tr.classList.add('selected');
      body.append(tr);
    }
    target.append(body);
  }

  async function api(path) {
    const res = await fetch(path, { headers: { authorization: `Bearer ${token}` } });
    const body = await res.json().catch(() => ({}));
    if (res.status === 401) {
      signOut(body.error ? `${body.error.code}: ${body.error.message}` : 'please sign in');
      throw new Error('signed out');
    }
    if (!res.ok) throw new Error(body.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`);
    if (body.readModel) $('freshness').textContent = `figures as of store position ${body.readModel.position ?? '–'}, ${body.readModel.lag ? `${body.readModel.lag.events} events behind` : 'up to date'}`;
    return body;
  }
  const show = (promise) => promise.then(() => ($('error').textContent = '')).catch((err) => err.message !== 'signed out' && ($('error').textContent = err.message));

  // --- sign in -------------------------------------------------------------------------------
  function signOut(message) {
    token = null;
    sessionStorage.removeItem(KEY);
    $('tabs').hidden = true;
    $('who').replaceChildren();
    for (const s of document.querySelectorAll('section.tab')) s.hidden = true;
    $('signin').hidden = false;
    $('signin-error').textContent = message || '';
  }

  async function signIn() {
    org = await api('/api/org');
    let subject = '';
    try {
      subject = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))).sub;
    } catch {
      subject = '';
    }
    const me = org.staff.find((s) => s.staffId === subject);
    $('who').replaceChildren(me ? `${me.displayName} · ${me.role.replace('_', ' ')} · ${me.unitId}` : subject, el('button', { onclick: () => signOut() }, 'Sign out'));
    $('signin').hidden = true;
    $('tabs').hidden = false;
    const select = $('org-unit');
    select.replaceChildren(el('option', { value: '' }, '(my scope)'), ...org.units.map((u) => el('option', { value: u.unitId }, `${u.unitId} · ${u.name}`)));
    openTab('campaigns');
  }

  $('signin-form').addEventListener('submit', (e) => {
    e.preventDefault();
    token = $('token').value.trim();
    sessionStorage.setItem(KEY, token);
    show(signIn());
  });

  // --- tabs ----------------------------------------------------------------------------------
  function openTab(name) {
    for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('active', b.dataset.tab === name);
    for (const s of document.querySelectorAll('section.tab')) s.hidden = s.id !== name;
    if (name === 'campaigns') show(loadCampaigns());
    if (name === 'scorecards') show(loadScorecards());
    if (name === 'exceptions') show(loadExceptions());
  }
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => openTab(b.dataset.tab));

  // --- campaigns -----------------------------------------------------------------------------
  async function loadCampaigns() {
    const { campaigns } = await api('/api/campaigns');
    table(
      $('campaign-list'),
      ['campaign', 'owner', 'status', 'treatment', 'control', 'conversions', 'revenue', 'cost', 'ROI'],
      campaigns.map((c) => ({
        id: c.campaignId,
        selected: c.campaignId === selected,
        text: [1, 2],
        cells: [`${c.campaignId} · ${c.name}`, c.ownerUnitId, c.status, num(c.enrolled.treatment), num(c.enrolled.control), num(c.conversions), money(c.revenue), money(c.cost), { v: pct(c.roi), cls: signClass(c.roi) }],
      })),
      (row) => {
        selected = row.id;
        for (const tr of $('campaign-list').querySelectorAll('tbody tr')) tr.classList.toggle('selected', tr.firstChild.textContent.startsWith(`${row.id} `));
        show(loadCampaign());
      },
    );
    if (!selected && campaigns.length) {
      selected = campaigns[0].campaignId;
      await loadCampaigns();
      await loadCampaign();
    }
  }

  async function loadCampaign() {
    if (!selected) return;
    const params = new URLSearchParams();
    if ($('as-of').value) params.set('asOf', $('as-of').value);
    if ($('attribution').value !== 'direct') params.set('attribution', $('attribution').value);
    const target = $('campaign-detail');
    const mine = ++generation;
    target.replaceChildren(el('p', { class: 'hint' }, params.toString() ? 'replaying the history…' : 'loading…'));
    const f = await api(`/api/campaigns/${encodeURIComponent(selected)}/effectiveness${params.toString() ? `?${params}` : ''}`);
    if (mine !== generation) return;
    const attributed = f.attributed || { model: 'direct', conversions: f.conversions, revenue: f.revenue, roi: f.roi, costPerConversion: f.costPerConversion };
    const lift = f.lift.absolute;
    const ci = f.lift.confidenceInterval95;
    const card = (label, value, sub, cls) => el('div', { class: 'card' }, el('div', { class: 'label' }, label), el('div', { class: `value ${cls || ''}` }, value), sub ? el('div', { class: 'sub' }, sub) : null);
    const cards = el(
      'div',
      { class: 'cards' },
      card('Lift over control', pct(lift), ci ? `95% CI ${pct(ci[0])} … ${pct(ci[1])}` : 'not enough data', signClass(lift)),
      card('Treatment conversion', pct(f.groups.treatment.conversionRate), `${num(f.groups.treatment.converted)} of ${num(f.groups.treatment.size)}`),
      card('Control conversion', pct(f.groups.control.conversionRate), `${num(f.groups.control.converted)} of ${num(f.groups.control.size)}`),
      card(`Revenue (${attributed.model})`, money(attributed.revenue), `${num(attributed.conversions)} conversions`),
      card('Cost', money(f.cost), attributed.costPerConversion ? `${money(attributed.costPerConversion)} per conversion` : ''),
      card('ROI', pct(attributed.roi), f.lift.incrementalRevenue ? `incremental revenue ${money(f.lift.incrementalRevenue)}` : '', signClass(attributed.roi)),
    );
    const top = Math.max(1, f.funnel.enrolled.treatment);
    const stages = [['enrolled', f.funnel.enrolled.treatment], ['contacted', f.funnel.contacted], ['offered', f.funnel.offered], ['accepted', f.funnel.accepted], ['converted', f.funnel.converted]];
    const bar = (n) => {
      const fill = el('div', { class: 'fill' });
      fill.style.width = `${((100 * n) / top).toFixed(1)}%`;
      return el('div', { class: 'track' }, fill);
    };
    const funnel = el('div', { class: 'funnel' }, el('strong', {}, 'Funnel (treatment)'), ...stages.map(([label, n]) => el('div', { class: 'row' }, label, bar(n), num(n))));
    const byUnit = el('table', { class: 'grid' });
    table(byUnit, ['unit', 'treatment', 'converted', 'control', 'converted'], f.byUnit.map((u) => ({ cells: [u.unitId, num(u.treatment), num(u.treatmentConverted), num(u.control), num(u.controlConverted)] })));
    target.replaceChildren(
      el('h2', {}, `${f.campaignId} · ${f.name}`),
      el('p', { class: 'hint' }, `${f.status} · owner ${f.ownerUnitId}${f.asOf ? ` · as of ${f.asOf}` : ''}`),
      cards,
      funnel,
      series(f.daily),
      el('h3', {}, 'By unit'),
      byUnit,
    );
  }

  /** Daily conversions as a line (SVG built with DOM calls). */
  function series(daily) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('class', 'series');
    svg.setAttribute('viewBox', '0 0 600 140');
    svg.setAttribute('preserveAspectRatio', 'none');
    if (!daily.length) return el('p', { class: 'hint' }, 'no daily figures yet');
    const max = Math.max(1, ...daily.map((d) => d.converted));
    const points = daily.map((d, i) => `${(i / Math.max(1, daily.length - 1)) * 590 + 5},${130 - (d.converted / max) * 110}`).join(' ');
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points);
    svg.append(line);
    return el('figure', {}, svg, el('figcaption', { class: 'hint' }, `Conversions per day, ${daily[0].date} – ${daily[daily.length - 1].date} (highest ${max})`));
  }

  $('as-of').addEventListener('change', () => show(loadCampaign()));
  $('attribution').addEventListener('change', () => show(loadCampaign()));

  // --- scorecards ----------------------------------------------------------------------------
  async function loadScorecards() {
    if (!$('period').value) {
      const d = new Date();
      d.setUTCMonth(d.getUTCMonth() - 1);
      $('period').value = d.toISOString().slice(0, 7);
    }
    const params = new URLSearchParams({ period: $('period').value });
    if ($('org-unit').value) params.set('orgUnit', $('org-unit').value);
    const s = await api(`/api/scorecards?${params}`);
    table(
      $('unit-scores'),
      ['unit', 'people', 'conversions', 'revenue', 'points', 'shadow', 'score', 'target', 'attainment'],
      s.units.map((u) => ({ text: [], cells: [`${u.unitId} · ${u.name}`, num(u.people), num(u.conversions), money(u.revenue), num(u.points), num(u.shadowPoints), num(u.score), num(u.target), pct(u.attainment, 0)] })),
    );
    table(
      $('people-scores'),
      ['person', 'unit', 'conversions', 'referrals', 'revenue', 'points', 'complaints', 'mis-selling', 'score', 'adherence', 'rank'],
      [...s.people]
        .sort((a, b) => b.score - a.score)
        .map((p) => ({ text: [1], cells: [`${p.staffId} · ${p.displayName}`, p.unitId, num(p.conversions), num(p.referrals), money(p.revenue), num(p.points), num(p.complaints), num(p.unsuitableAttempts), { v: num(p.score), cls: signClass(p.score) }, pct(p.maintenanceAdherence, 0), p.rankInUnit] })),
    );
  }
  $('period').addEventListener('change', () => show(loadScorecards()));
  $('org-unit').addEventListener('change', () => show(loadScorecards()));

  // --- exceptions ----------------------------------------------------------------------------
  async function loadExceptions() {
    const { exceptions } = await api('/api/exceptions');
    table($('exception-list'), ['kind', 'unit', 'customer', 'details'], exceptions.map((x) => ({ text: [1, 2, 3], cells: [x.kind.replace(/_/g, ' '), x.unitId || '–', x.customerId || '–', JSON.stringify(x.details)] })));
  }

  if (token) show(signIn());
  else signOut();
})();
