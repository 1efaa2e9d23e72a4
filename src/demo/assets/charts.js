/*
 * Dotation — démonstrateur. Horizontal bar charts: each row is text (label and
 * value, readable at any width and by screen readers) and an SVG bar whose
 * length is a percentage of the row, so the chart reflows on a phone without
 * re-rendering. Defines `DotationCharts` on the global object.
 */
(function (global) {
  'use strict';
  var U = global.DotationUtil;
  var NS = 'http://www.w3.org/2000/svg';

  function bar(fraction, emphasis) {
    var svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('class', 'barre__trace');
    svg.setAttribute('width', '100%');
    svg.setAttribute('height', '12');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var track = document.createElementNS(NS, 'rect');
    track.setAttribute('class', 'barre__piste');
    track.setAttribute('width', '100%');
    track.setAttribute('height', '12');
    track.setAttribute('rx', '2');
    var rect = document.createElementNS(NS, 'rect');
    rect.setAttribute('class', emphasis ? 'barre__valeur-trace barre__valeur-trace--forte' : 'barre__valeur-trace');
    rect.setAttribute('width', Math.max(0, Math.min(100, fraction * 100)).toFixed(2) + '%');
    rect.setAttribute('height', '12');
    rect.setAttribute('rx', '2');
    svg.appendChild(track);
    svg.appendChild(rect);
    return svg;
  }

  /**
   * bars({ id, title, items: [{ label, value, display, emphasis }], max, source, note })
   * → <figure data-chart=id>. `max` defaults to the largest value.
   */
  function bars(options) {
    var el = U.el;
    var items = options.items;
    var max = options.max || items.reduce(function (m, i) { return Math.max(m, i.value || 0); }, 0) || 1;
    var captionId = 'graphique-' + options.id;
    return el('figure', { class: 'graphique', data: { chart: options.id }, 'aria-labelledby': captionId },
      el('figcaption', { id: captionId, class: 'graphique__titre', text: options.title }),
      el('ol', { class: 'barres', role: 'list' }, items.map(function (item) {
        return el('li', { class: 'barre' + (item.emphasis ? ' barre--forte' : ''), data: { value: item.value } },
          el('span', { class: 'barre__label', text: item.label }),
          el('span', { class: 'barre__valeur', text: item.display }),
          bar((item.value || 0) / max, item.emphasis));
      })),
      options.note ? el('p', { class: 'graphique__note', text: options.note }) : null,
      options.source ? el('p', { class: 'source', text: options.source }) : null);
  }

  global.DotationCharts = { bars: bars };
})(globalThis);
