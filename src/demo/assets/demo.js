/*
 * Dotation — démonstrateur. The demo page: search a commune by name, postal
 * code or INSEE code, show its card, and give the <iframe> snippet (taken
 * from our own oEmbed endpoint, so that page and CMS embed the same thing).
 * The selected commune lives in the URL (`/?commune=35238`): shareable, and
 * Back/Forward work.
 */
(function (global) {
  'use strict';
  var U = global.DotationUtil;
  var el = U.el;

  var form = document.getElementById('recherche');
  var input = document.getElementById('q');
  var statut = document.getElementById('statut');
  var list = document.getElementById('resultats');
  var fiche = document.getElementById('fiche');
  var integrer = document.getElementById('integrer');
  var extrait = document.getElementById('extrait');
  var copier = document.getElementById('copier');
  var copieStatut = document.getElementById('copie-statut');
  var apercu = document.getElementById('apercu-cadre');
  var lienCarte = document.getElementById('lien-carte');
  var resultsMessage = '';
  var searchSeq = 0;
  var cardSeq = 0;

  function normalize(s) {
    return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[-'’\s]+/g, ' ').trim();
  }

  function say(message) { statut.textContent = message; }

  /** The communes a query designates: code, postal code, or name (ranked by the API). */
  function search(q) {
    var query = q.trim();
    if (/^\d{5}$/.test(query)) {
      // Five digits are a postal code or an INSEE code: ask both, keep both.
      return Promise.all([
        U.getJson('/communes?codePostal=' + query).catch(function () { return []; }),
        U.getJson('/commune/' + query).then(function (c) { return c && c.multiple ? c.multiple.communesActuelles : [c]; }).catch(function (e) { if (e.status === 503) throw e; return []; }),
      ]).then(function (r) {
        var seen = {};
        return r[1].concat(r[0]).filter(function (c) { if (!c || seen[c.code]) return false; seen[c.code] = true; return true; });
      });
    }
    if (/^(2[ABab]\d{3})$/.test(query)) {
      return U.getJson('/commune/' + query.toUpperCase()).then(function (c) { return [c]; }).catch(function (e) { if (e.status === 503) throw e; return []; });
    }
    if (/^\d{1,4}$/.test(query)) return Promise.reject(new Error('Un code postal ou un code INSEE a 5 caractères.'));
    return U.getJson('/communes?nom=' + encodeURIComponent(query) + '&limit=10');
  }

  function describe(c) {
    var bits = [c.code];
    if (c.departement) bits.push(c.departement.nom);
    if (typeof c.population === 'number') bits.push(U.number(c.population) + ' hab.');
    return bits.join(' · ');
  }

  function showResults(communes, query) {
    list.textContent = '';
    communes.forEach(function (c) {
      var button = el('button', { type: 'button', class: 'resultat', data: { code: c.code } },
        el('span', { class: 'resultat__nom', text: c.nom }), el('span', { class: 'resultat__infos', text: describe(c) }));
      button.addEventListener('click', function () { open(c.code, { push: true, focus: true }); });
      list.appendChild(el('li', {}, button));
    });
    if (!communes.length) resultsMessage = 'Aucune commune ne correspond à « ' + query + ' ».';
    else resultsMessage = communes.length === 1 ? '1 commune trouvée.' : communes.length + ' communes trouvées, classées par pertinence puis population.';
    say(resultsMessage);
  }

  function runSearch(query, fromUser) {
    var seq = ++searchSeq;
    if (!query.trim()) { say('Saisissez un nom, un code postal ou un code INSEE.'); input.focus(); return; }
    say('Recherche de « ' + query.trim() + ' »…');
    search(query).then(function (communes) {
      if (seq !== searchSeq) return;
      showResults(communes, query.trim());
      var first = communes[0];
      // An exact name or code, or a single answer, opens the card directly; the list stays for the others.
      if (first && (communes.length === 1 || normalize(first.nom) === normalize(query) || first.code === query.trim().toUpperCase())) {
        open(first.code, { push: fromUser, focus: false, afterSearch: true });
      }
    }).catch(function (error) {
      if (seq !== searchSeq) return;
      list.textContent = '';
      say(error.status === 503 ? 'Aucune release n\'est encore publiée : la recherche répondra après l\'ingestion initiale.' : 'Recherche impossible : ' + error.message);
    });
  }

  function snippet(code) {
    var target = location.origin + '/commune/' + code + '/embed';
    lienCarte.href = '/commune/' + code + '/embed';
    return U.getJson('/oembed?format=json&url=' + encodeURIComponent(target)).then(function (o) {
      extrait.value = o.html;
      integrer.hidden = false;
      apercu.textContent = '';
      apercu.dataset.html = o.html;
    }).catch(function () { integrer.hidden = true; });
  }

  function open(code, options) {
    var seq = ++cardSeq;
    fiche.hidden = false;
    fiche.textContent = '';
    fiche.appendChild(el('p', { class: 'aide', text: 'Chargement de la dotation…' }));
    if (options.push && new URLSearchParams(location.search).get('commune') !== code) {
      history.pushState({ commune: code }, '', '/?commune=' + encodeURIComponent(code));
    }
    return global.DotationCard.render(fiche, code, { mode: 'complete' }).then(function (model) {
      if (seq !== cardSeq) return;
      document.title = model.commune.nom + ' — Dotation de données nationales';
      // One announcement: the result count stays audible when the card opens by itself.
      say((options.afterSearch ? resultsMessage + ' ' : '') + 'Dotation de ' + model.commune.nom + ' (' + model.commune.code + ') affichée.');
      document.getElementById('release').textContent = 'Release ' + model.release.id + '.';
      if (options.focus) {
        var heading = fiche.querySelector('.fiche__titre');
        if (heading) heading.focus();
      }
      return snippet(model.commune.code);
    }).catch(function (error) {
      if (seq !== cardSeq) return;
      if (error.status === 300 && error.communes) {
        // A code shared between today's communes (a split): offer them.
        fiche.hidden = true;
        showResults(error.communes, code);
        say(error.message);
        return;
      }
      say('La dotation n\'a pas pu être affichée : ' + error.message);
    });
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    runSearch(input.value, true);
  });

  copier.addEventListener('click', function () {
    var done = function () { copieStatut.textContent = 'Code copié dans le presse-papiers.'; };
    var fallback = function () {
      extrait.focus();
      extrait.select();
      try { document.execCommand('copy'); done(); } catch (e) { copieStatut.textContent = 'Sélectionnez le code et copiez-le (Ctrl+C).'; }
    };
    if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(extrait.value).then(done, fallback);
    else fallback();
  });

  // The preview is an iframe of the card itself: created only on demand.
  document.querySelector('.apercu').addEventListener('toggle', function (event) {
    if (!event.target.open || apercu.firstChild || !apercu.dataset.html) return;
    var doc = new DOMParser().parseFromString(apercu.dataset.html, 'text/html');
    var frame = doc.querySelector('iframe');
    if (frame) apercu.appendChild(document.importNode(frame, true));
  });

  // No commune asked: Rennes, whose every figure is real in the offline sample release (first of the
  // communes samples/offline-coverage.json names); the URL stays `/`.
  var DEFAULT_COMMUNE = '35238';

  global.addEventListener('popstate', function () {
    var code = new URLSearchParams(location.search).get('commune');
    open(code || DEFAULT_COMMUNE, { push: false, focus: true });
  });

  var initial = new URLSearchParams(location.search).get('commune');
  if (initial) input.value = initial;
  open(initial || DEFAULT_COMMUNE, { push: false, focus: false });
})(globalThis);
