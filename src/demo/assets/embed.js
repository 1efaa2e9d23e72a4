/* Dotation — the embeddable card: the commune named by the page, rendered compact. */
(function (global) {
  'use strict';
  var root = document.getElementById('fiche');
  global.DotationCard.render(root, root.dataset.commune, { mode: 'integree' }).catch(function () { /* the card shows the error */ });
})(globalThis);
