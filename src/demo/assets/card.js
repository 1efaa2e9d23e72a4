/*
 * Dotation — démonstrateur. The commune card, shared by the demo page (mode
 * "complete": figures, map, charts, every dataset with its downloads) and the
 * embeddable card (mode "integree": map, key figures, links). It reads the
 * public API like any consumer: `/commune/{code}/dotation`, then the GeoJSON
 * named in each dataset's `liens`. Defines `DotationCard` on the global object.
 */
(function (global) {
  'use strict';
  var U = global.DotationUtil;
  var F = global.DotationFigures;
  var M = global.DotationMap;
  var C = global.DotationCharts;
  var el = U.el;

  function sourceText(millesime, source) {
    return [millesime ? 'Millésime ' + millesime : null, source ? 'Source : ' + source : null].filter(Boolean).join(' · ');
  }

  /** « IGN (ADMIN EXPRESS COG), mis en forme par Etalab » → « IGN » : the compact card names the producer, the title keeps it all. */
  function shortSource(source) {
    if (!source) return source;
    var cut = source.split(/\s*[(,;]/)[0].trim();
    return cut || source;
  }

  function figureItem(f, compact) {
    var available = f.missing === null;
    return el('li', {
      class: 'chiffre' + (available ? '' : ' chiffre--absent'),
      data: { figure: f.id, value: f.value, statut: f.statut, dataset: f.datasetId },
    },
    el('p', { class: 'chiffre__label', text: f.label }),
    available
      ? el('p', { class: 'chiffre__valeur' }, el('span', { class: 'chiffre__nombre', text: f.display }), f.unit ? el('span', { class: 'chiffre__unite', text: ' ' + f.unit }) : null)
      : el('p', { class: 'chiffre__valeur chiffre__valeur--absent', text: 'Non disponible' }),
    available && f.detail && !compact ? el('p', { class: 'chiffre__detail', text: f.detail }) : null,
    available ? null : el('p', { class: 'chiffre__detail', text: f.missing }),
    available ? el('p', { class: 'source', title: compact ? sourceText(f.millesime, f.source) : null, text: sourceText(f.millesime, compact ? shortSource(f.source) : f.source) }) : null);
  }

  function figureList(figures, label, compact) {
    return el('ul', { class: 'chiffres', role: 'list', 'aria-label': label }, figures.map(function (f) { return figureItem(f, compact); }));
  }

  // The ZIP pack is another issue's route: offer the button only when this instance serves it.
  var zipRoute = null;
  function zipAvailable(url) {
    if (!zipRoute) {
      zipRoute = U.getJson('/openapi.json')
        .then(function (doc) { return Object.keys((doc && doc.paths) || {}).some(function (p) { return /^\/commune\/\{[^}]+\}\/dotation\.zip$/.test(p); }); })
        .catch(function () { return false; });
    }
    return zipRoute.then(function (documented) {
      if (documented) return true;
      return fetch(url, { method: 'HEAD' }).then(function (r) { return r.ok; }).catch(function () { return false; });
    });
  }

  function zipBlock(code) {
    var url = '/commune/' + encodeURIComponent(code) + '/dotation.zip';
    var holder = el('div', { class: 'telechargement', data: { zip: 'pending' } },
      el('p', { class: 'aide', text: 'Vérification de l\'archive ZIP…' }));
    var ready = zipAvailable(url).then(function (ok) {
      holder.textContent = '';
      holder.dataset.zip = ok ? 'available' : 'unavailable';
      if (ok) {
        holder.appendChild(el('a', { class: 'bouton bouton--principal', href: url, download: code + '-dotation.zip', data: { download: 'zip' } },
          'Télécharger toute la dotation (ZIP)'));
        holder.appendChild(el('p', { class: 'aide', text: 'Chaque jeu en CSV (et GeoJSON), un README, les licences et un datapackage.json.' }));
      } else {
        holder.appendChild(el('p', { class: 'aide', text: 'L\'archive ZIP de la dotation n\'est pas servie par cette instance : chaque jeu se télécharge ci-dessous.' }));
      }
    });
    return { node: holder, ready: ready };
  }

  function loadGeojson(ds) {
    if (!F.isAvailable(ds) || !ds.liens || !ds.liens.geojson) return Promise.resolve(null);
    return U.getJson(ds.liens.geojson).then(function (fc) { return (fc && fc.features) || []; }).catch(function () { return null; });
  }

  function layerState(ds, count, noun, compact) {
    if (!ds) return F.statutLabel('unregistered');
    if (!F.isAvailable(ds)) return F.statutLabel(ds.statut);
    if (count === null) return 'géométrie indisponible';
    return count + ' ' + noun + (count > 1 ? 's' : '') + ' · ' + sourceText(ds.millesime, compact ? shortSource(ds.producteur) : ds.producteur);
  }

  /** The map section; its `ready` promise resolves once the layers are drawn (or known to be absent). */
  function mapSection(model, mode, idPrefix) {
    var commune = model.commune;
    var figureNode = el('div', { class: 'carte__cadre', data: { map: 'loading' } }, el('p', { class: 'aide', text: 'Chargement de la carte…' }));
    var legend = el('ul', { class: 'legende', role: 'list' });
    var toggles = el('div', { class: 'couches' });
    var scale = el('div', { class: 'echelle', 'aria-hidden': 'true' });
    var section = el('section', { class: 'carte', 'aria-labelledby': idPrefix + '-carte-titre' },
      el(mode === 'integree' ? 'h2' : 'h3', { id: idPrefix + '-carte-titre', class: 'section__titre', text: 'Carte' }),
      figureNode, scale, toggles, legend);
    var L = model.layers;
    var ready = Promise.all([loadGeojson(L.contour), loadGeojson(L.iris), loadGeojson(L.qpv)]).then(function (res) {
      var contour = res[0], iris = res[1], qpv = res[2];
      var irisLabel = function (f) { var p = f.properties || {}; return 'IRIS ' + (p.nomIris || p.nom || '') + (p.codeIris ? ' (' + p.codeIris + ')' : ''); };
      var qpvLabel = function (f) { var p = f.properties || {}; return 'QPV ' + (p.nomQpv || p.nom || '') + (p.codeQpv ? ' (' + p.codeQpv + ')' : ''); };
      var parts = [];
      parts.push(contour && contour.length ? 'contour de la commune' : 'contour non disponible');
      if (iris && iris.length) parts.push(iris.length + ' IRIS');
      if (qpv && qpv.length) parts.push(qpv.length + ' quartier' + (qpv.length > 1 ? 's' : '') + ' prioritaire' + (qpv.length > 1 ? 's' : ''));
      var drawing = M.draw([
        { id: 'fond', features: contour, frame: true },
        { id: 'iris', features: iris, titleOf: irisLabel },
        { id: 'qpv', features: qpv, titleOf: qpvLabel },
        { id: 'contour', features: contour, titleOf: function () { return commune.nom + ' (' + commune.code + ')'; } },
      ], { width: 600, idPrefix: idPrefix + '-carte', title: 'Carte de ' + commune.nom, description: parts.join(', ') + '.' });
      figureNode.textContent = '';
      if (!drawing) {
        figureNode.dataset.map = 'empty';
        figureNode.appendChild(el('p', { class: 'carte__vide', text: 'Aucune géométrie disponible pour cette commune dans cette release (contours : ' + layerState(L.contour, null, '') + ').' }));
      } else {
        figureNode.dataset.map = 'drawn';
        figureNode.appendChild(drawing.svg);
        scale.appendChild(el('span', { class: 'echelle__barre', data: { fraction: drawing.scale.fraction.toFixed(4) } }));
        scale.appendChild(el('span', { class: 'echelle__texte', text: drawing.scale.label }));
        scale.firstChild.style.width = (drawing.scale.fraction * 100).toFixed(2) + '%';
      }
      var compact = mode === 'integree';
      if (!compact || (contour && contour.length)) legend.appendChild(el('li', { class: 'legende__item legende__item--contour', data: { layer: 'contour' } },
        el('span', { class: 'legende__symbole', 'aria-hidden': 'true' }),
        el('span', {}, el('strong', { text: 'Contour communal' }), ' — ' + (contour && contour.length ? sourceText(L.contour.millesime, compact ? shortSource(L.contour.producteur) : L.contour.producteur) : layerState(L.contour, null, '')))));
      [['iris', 'IRIS', iris, L.iris, 'zone'], ['qpv', 'Quartiers prioritaires (QPV)', qpv, L.qpv, 'quartier']].forEach(function (spec) {
        var id = spec[0];
        var count = spec[2] ? spec[2].length : null;
        if (compact && !count) return;
        legend.appendChild(el('li', { class: 'legende__item legende__item--' + id, data: { layer: id } },
          el('span', { class: 'legende__symbole', 'aria-hidden': 'true' }),
          el('span', {}, el('strong', { text: spec[1] }), ' — ' + layerState(spec[3], count, spec[4], compact))));
        if (drawing && count && !compact) {
          var box = el('input', { type: 'checkbox', id: idPrefix + '-couche-' + id, checked: true, data: { layer: id } });
          box.addEventListener('change', function () {
            var g = drawing.svg.querySelector('g[data-layer="' + id + '"]');
            if (g) g.classList.toggle('couche--masquee', !box.checked);
          });
          toggles.appendChild(el('label', { class: 'couches__choix', for: box.id }, box, ' Afficher ' + (id === 'iris' ? 'les IRIS' : 'les QPV')));
        }
      });
      return drawing;
    });
    return { node: section, ready: ready };
  }

  function chartsSection(model, idPrefix) {
    var charts = [];
    var e = model.election;
    if (e && e.candidates.length) {
      var top = e.candidates.slice(0, 8);
      charts.push(C.bars({
        id: 'elections',
        title: e.libelle + ' — voix en % des exprimés' + (e.candidates.length > top.length ? ' (' + top.length + ' premiers sur ' + e.candidates.length + ')' : ''),
        items: top.map(function (c, i) { return { label: c.label + (c.elu ? ' — élu(e)' : ''), value: c.pourcentage, display: U.percent(c.pourcentage, 1), emphasis: i === 0 }; }),
        max: 100,
        note: 'Participation : ' + U.share(e.participation, 1) + ' (' + U.number(e.votants) + ' votants sur ' + U.number(e.inscrits) + ' inscrits).',
        source: sourceText(U.date(e.date), e.dataset.producteur),
      }));
    }
    var insee = model.known.insee;
    if (model.housing) {
      charts.push(C.bars({
        id: 'logements', title: 'Logements par catégorie',
        items: model.housing.map(function (i) { return { label: i.label, value: i.value, display: U.number(i.value) }; }),
        source: sourceText(model.housing[0].millesime || insee.millesime, insee.producteur),
      }));
    }
    if (model.establishments) {
      charts.push(C.bars({
        id: 'etablissements', title: 'Établissements actifs par secteur',
        items: model.establishments.map(function (i) { return { label: i.label, value: i.value, display: U.number(i.value) }; }),
        source: sourceText(model.establishments[0].millesime || insee.millesime, insee.producteur),
      }));
    }
    if (model.permits) {
      charts.push(C.bars({
        id: 'permis', title: 'Autorisations d\'urbanisme par année d\'autorisation',
        items: model.permits.items, note: 'Les quatre listes de Sitadel : logements, locaux non résidentiels, permis d\'aménager, permis de démolir.',
        source: sourceText(model.permits.dataset.millesime, model.permits.dataset.producteur),
      }));
    }
    if (model.contracts) {
      charts.push(C.bars({
        id: 'marches', title: 'Marchés publics passés par la commune, par année de notification',
        items: model.contracts.items, note: 'Nombre de marchés (comptés une fois chacun) et leur montant.',
        source: sourceText(model.contracts.dataset.millesime, model.contracts.dataset.producteur),
      }));
    }
    // Budget and état civil: a chart each, or why the figure is missing (transparence.js).
    if (global.DotationTransparence) charts = charts.concat(global.DotationTransparence.charts(model.datasets, F.statutLabel));
    if (!charts.length) return null;
    return el('section', { class: 'graphiques', 'aria-labelledby': idPrefix + '-graphiques-titre' },
      el('h3', { id: idPrefix + '-graphiques-titre', class: 'section__titre', text: 'En graphiques' }),
      el('div', { class: 'graphiques__grille' }, charts));
  }

  function downloadLinks(ds) {
    var links = [];
    if (!ds.liens) return links;
    if (ds.liens.csv) links.push(el('a', { href: ds.liens.csv, download: '', 'aria-label': ds.titre + ' en CSV', data: { format: 'csv' } }, 'CSV'));
    if (ds.liens.geojson) links.push(el('a', { href: ds.liens.geojson, download: '', 'aria-label': ds.titre + ' en GeoJSON', data: { format: 'geojson' } }, 'GeoJSON'));
    if (ds.liens.json) links.push(el('a', { href: ds.liens.json, 'aria-label': ds.titre + ' en JSON', data: { format: 'json' } }, 'JSON'));
    return links;
  }

  /** Available datasets in a table with their downloads; the others folded, each with the reason. */
  function datasetsSection(model, code, idPrefix) {
    var available = model.datasets.filter(F.isAvailable);
    var missing = model.datasets.filter(function (ds) { return !F.isAvailable(ds); });
    var rows = available.map(function (ds) {
      var links = downloadLinks(ds);
      return el('tr', { data: { dataset: ds.id, statut: ds.statut } },
        el('th', { scope: 'row', 'data-label': 'Jeu' }, el('span', { class: 'jeu__titre', text: ds.titre }), el('span', { class: 'jeu__id', text: ds.id })),
        el('td', { 'data-label': 'Producteur', text: ds.producteur }),
        el('td', { 'data-label': 'Millésime', text: ds.millesime || '—' }),
        el('td', { 'data-label': 'Licence' }, el('a', { href: ds.licence.url, rel: 'license', text: ds.licence.nom })),
        el('td', { 'data-label': 'Télécharger', class: 'jeu__liens' }, links.length ? links : (ds.id === 'cog' ? 'identité de la commune (en-tête)' : '—')));
    });
    var node = el('section', { class: 'jeux', 'aria-labelledby': idPrefix + '-jeux-titre' },
      el('h3', { id: idPrefix + '-jeux-titre', class: 'section__titre', text: 'Jeux de données et téléchargements' }),
      el('p', { class: 'aide', data: { couverture: model.coverage.available + '/' + model.coverage.total } },
        model.coverage.available + ' jeu' + (model.coverage.available > 1 ? 'x' : '') + ' disponible' + (model.coverage.available > 1 ? 's' : '') + ' sur ' + model.coverage.total + ' enregistrés, pour cette commune, dans la release ' + model.release.id + '. Chaque jeu se télécharge séparément ci-dessous, ou tous ensemble dans l\'archive ZIP.'),
      el('div', { class: 'tableau' },
        el('table', { class: 'jeux__table' },
          el('caption', { class: 'sr-only', text: 'Jeux de données disponibles pour la commune, avec leurs liens de téléchargement' }),
          el('thead', {}, el('tr', {}, ['Jeu de données', 'Producteur', 'Millésime', 'Licence', 'Télécharger'].map(function (h) { return el('th', { scope: 'col', text: h }); }))),
          el('tbody', {}, rows))),
      missing.length ? el('details', { class: 'jeux__absents' },
        el('summary', { text: missing.length + ' jeu' + (missing.length > 1 ? 'x' : '') + ' sans données pour cette commune dans cette release' }),
        el('ul', { role: 'list' }, missing.map(function (ds) {
          return el('li', { data: { dataset: ds.id, statut: ds.statut } },
            el('strong', { text: ds.titre }), ' (' + ds.producteur + ') — ',
            el('span', { class: 'statut-jeu statut-jeu--' + ds.statut, text: F.statutLabel(ds.statut) }));
        }))) : null);
    return node;
  }

  function identity(commune, compact) {
    var bits = [];
    if (commune.departement) bits.push(commune.departement.nom + ' (' + commune.departement.code + ')');
    if (commune.region && !compact) bits.push(commune.region.nom);
    if (commune.epci) bits.push(commune.epci.nom);
    if (commune.codesPostaux && commune.codesPostaux.length && !compact) bits.push((commune.codesPostaux.length > 1 ? 'codes postaux ' : 'code postal ') + commune.codesPostaux.join(', '));
    return bits.join(' · ');
  }

  function errorMessage(error) {
    if (error && error.status === 503) return 'Aucune release n\'est encore publiée : réessayez après l\'ingestion initiale.';
    if (error && error.status === 404) return 'Commune introuvable : ' + error.message;
    if (error && error.status) return 'Erreur ' + error.status + ' : ' + error.message;
    return 'La dotation n\'a pas pu être chargée (' + ((error && error.message) || 'erreur réseau') + ').';
  }

  /**
   * render(root, code, { mode: 'complete' | 'integree' }) → Promise<model>.
   * `root.dataset.state` goes loading → ready (or error) so that tests and
   * callers know when every layer is drawn.
   */
  function render(root, code, options) {
    var mode = (options && options.mode) || 'complete';
    var idPrefix = 'fiche-' + code;
    root.dataset.state = 'loading';
    root.setAttribute('aria-busy', 'true');
    return U.getJson('/commune/' + encodeURIComponent(code) + '/dotation').then(function (dotation) {
      if (dotation && dotation.multiple) {
        var err = new Error(dotation.multiple.message || 'Code partagé entre plusieurs communes');
        err.status = 300;
        err.communes = dotation.multiple.communesActuelles || [];
        throw err;
      }
      // The lean dotation links what is the same for every commune: fetch the definitions the figures need
      // (one document per release, cached by the browser); without them the figures keep their values.
      var sources = {};
      return Promise.all(F.needsSource(dotation).map(function (ds) {
        return U.getJson(ds.liens.source).then(function (doc) { sources[ds.id] = doc; }).catch(function () {});
      })).then(function () { return F.summarize(dotation, sources); });
    }).then(function (model) {
      var commune = model.commune;
      root.textContent = '';
      root.dataset.commune = commune.code;
      var map = mapSection(model, mode, idPrefix);
      var pending = [map.ready];
      var Heading = mode === 'integree' ? 'h1' : 'h2';
      var header = el('header', { class: 'fiche__entete' },
        el(Heading, { id: idPrefix + '-titre', class: 'fiche__titre', tabindex: '-1' }, commune.nom + ' ', el('span', { class: 'fiche__code', text: commune.code })),
        el('p', { class: 'fiche__territoire', text: identity(commune, mode === 'integree') }));
      root.appendChild(header);
      if (mode === 'integree') {
        root.appendChild(el('div', { class: 'fiche__grille' }, map.node,
          el('section', { class: 'fiche__chiffres', 'aria-label': 'Chiffres clés' }, figureList(model.headline, 'Chiffres clés', true))));
        root.appendChild(el('footer', { class: 'fiche__pied' },
          el('p', {},
            el('a', { href: '/?commune=' + encodeURIComponent(commune.code), target: '_blank', rel: 'noopener', class: 'lien-fort' }, 'Toute la dotation de ' + commune.nom),
            ' · ', el('a', { href: '/commune/' + commune.code + '/dotation', target: '_blank', rel: 'noopener' }, 'JSON')),
          el('p', { class: 'source', text: 'Dotation de données nationales · release ' + model.release.id })));
      } else {
        root.setAttribute('aria-labelledby', idPrefix + '-titre');
        var zip = zipBlock(commune.code);
        header.appendChild(zip.node);
        pending.push(zip.ready);
        root.appendChild(el('div', { class: 'fiche__grille' },
          map.node,
          el('section', { class: 'fiche__chiffres', 'aria-labelledby': idPrefix + '-chiffres-titre' },
            el('h3', { id: idPrefix + '-chiffres-titre', class: 'section__titre', text: 'Chiffres clés' }),
            figureList(model.headline, 'Chiffres clés'))));
        var charts = chartsSection(model, idPrefix);
        if (charts) root.appendChild(charts);
        root.appendChild(el('section', { class: 'indicateurs', 'aria-labelledby': idPrefix + '-indicateurs-titre' },
          el('h3', { id: idPrefix + '-indicateurs-titre', class: 'section__titre', text: 'Autres indicateurs' }),
          figureList(model.more, 'Autres indicateurs')));
        // Services, santé, air (services.js): drawn once the département's figures are in.
        if (global.DotationServices) {
          var services = el('div', { class: 'services-hote' });
          root.appendChild(services);
          pending.push(global.DotationServices.section(model, idPrefix).then(function (node) { if (node) services.appendChild(node); }, function () {}));
        }
        root.appendChild(datasetsSection(model, commune.code, idPrefix));
      }
      return Promise.all(pending).then(function () {
        root.dataset.state = 'ready';
        root.removeAttribute('aria-busy');
        return model;
      });
    }).catch(function (error) {
      root.textContent = '';
      root.appendChild(el('p', { class: 'erreur', role: 'alert', text: errorMessage(error) }));
      root.dataset.state = 'error';
      root.removeAttribute('aria-busy');
      throw error;
    });
  }

  global.DotationCard = { render: render };
})(globalThis);
