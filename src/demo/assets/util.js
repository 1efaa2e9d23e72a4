/*
 * Dotation — démonstrateur. Helpers shared by the demo page and the embeddable
 * card: French number formatting, a tiny DOM builder, JSON fetching with the
 * API's problem+json errors. Plain browser script (no build step): it defines
 * `DotationUtil` on the global object.
 */
(function (global) {
  'use strict';

  var integer = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
  var oneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
  var twoDecimals = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
  var longDate = new Intl.DateTimeFormat('fr-FR', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

  /** 230890 → « 230 890 » ; 4320.9 → « 4 320,9 » (digits: 0, 1 or 2). */
  function number(value, digits) {
    if (value === null || value === undefined || !isFinite(value)) return '—';
    var f = digits === 2 ? twoDecimals : digits === 1 ? oneDecimal : integer;
    return f.format(value);
  }

  /** A share in 0–1 → « 2,8 % ». */
  function share(value, digits) {
    if (value === null || value === undefined || !isFinite(value)) return '—';
    return number(value * 100, digits === undefined ? 1 : digits) + '\u00a0%';
  }

  /** A value already in percent → « 16,1 % ». */
  function percent(value, digits) {
    if (value === null || value === undefined || !isFinite(value)) return '—';
    return number(value, digits === undefined ? 1 : digits) + '\u00a0%';
  }

  /** « 2024-06-30 » → « 30 juin 2024 » (anything else is returned as is). */
  function date(iso) {
    if (typeof iso !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(iso)) return iso || '';
    var d = new Date(iso.slice(0, 10) + 'T00:00:00Z');
    return isNaN(d.getTime()) ? iso : longDate.format(d);
  }

  /**
   * el('p', { class: 'x', text: 'y', data: { figure: 'population' }, 'aria-label': '…' }, child, 'texte')
   * Attributes named on* are refused: every handler is attached with addEventListener.
   */
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    Object.keys(a).forEach(function (key) {
      var value = a[key];
      if (value === null || value === undefined || value === false) return;
      if (key === 'text') node.textContent = String(value);
      else if (key === 'class') node.className = value;
      else if (key === 'data') Object.keys(value).forEach(function (k) { if (value[k] !== null && value[k] !== undefined) node.dataset[k] = String(value[k]); });
      else if (/^on/i.test(key)) throw new Error('el(): ' + key);
      else node.setAttribute(key, value === true ? '' : String(value));
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(node, c); });
    else node.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }

  /** An error carrying the API's problem+json (status, detail). */
  function ApiProblem(status, body) {
    this.name = 'ApiProblem';
    this.status = status;
    this.body = body || {};
    this.message = (body && (body.detail || body.message || body.title)) || ('Erreur HTTP ' + status);
  }
  ApiProblem.prototype = Object.create(Error.prototype);

  /** GET a JSON resource of this API; 3xx are followed by the browser (301 → today's commune). */
  function getJson(path, options) {
    return fetch(path, { headers: { Accept: 'application/json' }, signal: options && options.signal }).then(function (res) {
      return res.text().then(function (text) {
        var body = null;
        try { body = text ? JSON.parse(text) : null; } catch (e) { body = { detail: text }; }
        if (res.status === 300) return { multiple: body };
        if (!res.ok) throw new ApiProblem(res.status, body);
        return body;
      });
    });
  }

  global.DotationUtil = { number: number, share: share, percent: percent, date: date, el: el, getJson: getJson, ApiProblem: ApiProblem };
})(globalThis);
