/*
 * Dotation — démonstrateur. Services around the commune, from three datasets of
 * the dotation: health professionals per 10,000 inhabitants next to the
 * département's value (`professionnels-sante`, département from
 * `GET /departement/{code}/dotation`), equipments by domain (`equipements-bpe`)
 * and the year's air-quality days (`qualite-air-atmo`). `summarize` is pure;
 * `section` draws it. Defines `DotationServices` on the global object.
 */
(function (global) {
  'use strict';
  var U = global.DotationUtil;
  var el = U.el;

  function available(dotation, id) {
    var ds = (dotation.datasets || []).filter(function (d) { return d.id === id; })[0];
    return ds && ds.statut === 'available' && ds.donnees ? ds : null;
  }

  /** Per 10,000 inhabitants, or null when either figure is missing. */
  function per10k(count, population) {
    return typeof count === 'number' && population ? 10000 * count / population : null;
  }

  /** The département's aggregated count of one (profession, savoir-faire) group, summed over its communes. */
  function departementCount(departement, profession, savoirFaire) {
    var ds = departement && (departement.datasets || []).filter(function (d) { return d.id === 'professionnels-sante'; })[0];
    var i = ds && (ds.indicateurs || []).filter(function (x) {
      return x.champ === 'professionnels' && x.cle && x.cle.profession === profession && x.cle.savoirFaire === savoirFaire;
    })[0];
    return i && typeof i.valeur === 'number' ? i.valeur : null;
  }

  var HEALTH = [
    ['10', 'generalistes', 'Médecins généralistes'],
    ['10', 'specialistes', 'Médecins spécialistes'],
    ['40', 'ensemble', 'Chirurgiens-dentistes'],
    ['60', 'ensemble', 'Infirmiers'],
    ['21', 'ensemble', 'Pharmaciens'],
  ];

  /**
   * Labels of the BPE's codes by field (`domaine`, `typequ`): the records carry codes only, the
   * edition's nomenclature is given once in the source's Table Schema (`GET /sources/equipements-bpe`).
   */
  function bpeLabels(source) {
    var out = {};
    ((source && source.champs) || []).forEach(function (f) {
      if (!f.categories) return;
      out[f.name] = {};
      f.categories.forEach(function (c) { out[f.name][c.value] = c.label; });
    });
    return out;
  }

  function summarize(dotation, departement, bpeSource) {
    var commune = dotation.commune || {};
    var out = { health: null, equipment: null, air: null };
    var ps = available(dotation, 'professionnels-sante');
    if (ps) {
      var rows = {};
      (ps.donnees.professions || []).forEach(function (p) { rows[p.code + '/ensemble'] = p.nombre; });
      var m = ps.donnees.medecins || {};
      rows['10/generalistes'] = m.generalistes;
      rows['10/specialistes'] = m.specialistes;
      var depPopulation = departement && departement.territoire ? departement.territoire.population : null;
      out.health = {
        dataset: ps,
        items: HEALTH.map(function (h) {
          var n = rows[h[0] + '/' + h[1]] || 0;
          return { label: h[2], count: n, commune: per10k(n, commune.population), departement: per10k(departementCount(departement, h[0], h[1]), depPopulation) };
        }),
      };
    }
    var bpe = available(dotation, 'equipements-bpe');
    if (bpe) {
      var labels = bpeLabels(bpeSource);
      var label = function (field, code) { return (labels[field] && labels[field][code]) || code; };
      out.equipment = {
        dataset: bpe,
        total: bpe.donnees.total,
        domains: (bpe.donnees.domaines || []).map(function (d) {
          return { label: label('domaine', d.code), count: d.nombre, types: (d.equipements || []).map(function (e) { return label('typequ', e.typequ) + ' : ' + U.number(e.nombre); }) };
        }),
      };
    }
    var air = available(dotation, 'qualite-air-atmo');
    if (air) {
      var classes = air.donnees.classes || {};
      out.air = {
        dataset: air,
        annee: air.donnees.annee,
        zone: air.donnees.zone,
        items: Object.keys(classes).sort().map(function (k) { return { label: classes[k].libelle || ('classe ' + k), value: classes[k].jours, display: U.number(classes[k].jours) + ' j' }; }),
      };
    }
    return out;
  }

  function source(ds) {
    return el('p', { class: 'source', text: 'Source : ' + ds.producteur + ' · millésime ' + ds.millesime });
  }

  function healthBlock(h, depCode) {
    return el('div', { class: 'services__bloc' },
      el('h4', { text: 'Professionnels de santé pour 10 000 habitants' }),
      el('table', { class: 'tableau' },
        el('thead', {}, el('tr', {}, ['', 'Commune', 'Département ' + (depCode || '')].map(function (t) { return el('th', { scope: 'col', text: t }); }))),
        el('tbody', {}, h.items.map(function (i) {
          return el('tr', {}, el('th', { scope: 'row', text: i.label + ' (' + U.number(i.count) + ')' }),
            el('td', { text: i.commune === null ? '—' : U.number(i.commune, 1) }),
            el('td', { text: i.departement === null ? '—' : U.number(i.departement, 1) }));
        }))),
      source(h.dataset));
  }

  function equipmentBlock(e) {
    return el('div', { class: 'services__bloc' },
      el('h4', { text: 'Équipements et services (' + U.number(e.total) + ')' }),
      el('ul', { role: 'list' }, e.domains.map(function (d) {
        return el('li', {}, el('details', {}, el('summary', { text: d.label + ' : ' + U.number(d.count) }), el('ul', {}, d.types.map(function (t) { return el('li', { text: t }); }))));
      })),
      source(e.dataset));
  }

  function airBlock(a) {
    var note = a.zone && a.zone.type === 'EPCI' ? 'Indice publié pour l\'EPCI ' + (a.zone.nom || a.zone.siren) + ' et appliqué à la commune.' : null;
    return el('div', { class: 'services__bloc' },
      el('h4', { text: 'Qualité de l\'air ' + a.annee + ' : jours par classe de l\'indice ATMO' }),
      global.DotationCharts ? global.DotationCharts.bars({ id: 'qualite-air', title: 'Jours par classe', items: a.items }) : el('ul', {}, a.items.map(function (i) { return el('li', { text: i.label + ' : ' + i.display }); })),
      note ? el('p', { text: note }) : null,
      source(a.dataset));
  }

  /** The section, or null when none of the three datasets is in the dotation. */
  function section(dotation, idPrefix) {
    var code = dotation.commune && dotation.commune.codeDepartement;
    var departement = available(dotation, 'professionnels-sante') && code
      ? U.getJson('/departement/' + encodeURIComponent(code) + '/dotation?datasets=professionnels-sante').catch(function () { return null; })
      : Promise.resolve(null);
    var bpeSource = available(dotation, 'equipements-bpe')
      ? U.getJson('/sources/equipements-bpe').catch(function () { return null; })
      : Promise.resolve(null);
    return Promise.all([departement, bpeSource]).then(function (got) {
      var s = summarize(dotation, got[0], got[1]);
      if (!s.health && !s.equipment && !s.air) return null;
      return el('section', { class: 'services', 'aria-labelledby': idPrefix + '-services-titre' },
        el('h3', { id: idPrefix + '-services-titre', class: 'section__titre', text: 'Services, santé et qualité de l\'air' }),
        s.health ? healthBlock(s.health, code) : null,
        s.equipment ? equipmentBlock(s.equipment) : null,
        s.air ? airBlock(s.air) : null);
    });
  }

  global.DotationServices = { summarize: summarize, section: section, per10k: per10k };
})(globalThis);
