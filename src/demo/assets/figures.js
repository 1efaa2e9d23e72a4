/*
 * Dotation — démonstrateur. From the dotation JSON (`GET /commune/{code}/dotation`)
 * to what the card shows: key figures with their millésime and source, chart
 * series, map layers. Pure (no DOM): every figure names the dataset it comes
 * from, and a dataset that is not available yields a figure that says why
 * instead of a number. Defines `DotationFigures` on the global object.
 */
(function (global) {
  'use strict';
  var U = global.DotationUtil;

  var STATUT_LABELS = {
    'available': 'disponible',
    'not-ingested': 'non ingéré dans cette release',
    'no-data-for-commune': 'aucune donnée pour cette commune',
    'unregistered': 'non enregistré sur cette instance',
  };

  function indexById(datasets) {
    var byId = {};
    (datasets || []).forEach(function (d) { byId[d.id] = d; });
    return byId;
  }

  function isAvailable(ds) { return !!ds && ds.statut === 'available'; }

  /**
   * The datasets the card knows, by registry id (with former ids: the registry
   * may rename an entry) or, failing that, by the shape of their `donnees`.
   */
  var KNOWN = {
    cog: { ids: ['cog'] },
    insee: { ids: ['statistiques-insee', 'insee-comparateur'], shape: function (d) { return !!d.valeurs; } },
    contour: { ids: ['communes-contours', 'contours-communes'] },
    iris: { ids: ['iris-contours', 'contours-iris'] },
    qpv: { ids: ['qpv'] },
    ban: { ids: ['ban'], shape: function (d) { return typeof d.adresses === 'number' && typeof d.voies === 'number'; } },
    couverture: { ids: ['arcep-couverture'] },
    sites: { ids: ['arcep-sites'] },
    permis: { ids: ['sitadel'] },
    marches: { ids: ['marches-publics-decp'] },
    associations: { ids: ['associations-rna'] },
    urbanisme: { ids: ['documents-urbanisme'] },
  };

  function known(byId, datasets, key) {
    var spec = KNOWN[key];
    for (var i = 0; i < spec.ids.length; i++) if (byId[spec.ids[i]]) return byId[spec.ids[i]];
    if (!spec.shape) return null;
    return datasets.filter(function (d) { return isAvailable(d) && d.donnees && spec.shape(d.donnees); })[0] || null;
  }

  function missingText(ds, what) {
    var statut = ds ? ds.statut : 'unregistered';
    return (what ? what + ' : ' : '') + (STATUT_LABELS[statut] || statut);
  }

  function figure(id, label, ds, fields) {
    var f = {
      id: id,
      label: label,
      value: null,
      display: '—',
      detail: null,
      millesime: ds ? ds.millesime : null,
      source: ds ? ds.producteur : null,
      datasetId: ds ? ds.id : null,
      datasetTitle: ds ? ds.titre : null,
      statut: ds ? ds.statut : 'unregistered',
      missing: null,
    };
    Object.keys(fields || {}).forEach(function (k) { f[k] = fields[k]; });
    return f;
  }

  function unavailable(id, label, ds, what) {
    return figure(id, label, ds, { missing: missingText(ds, what), display: 'non disponible' });
  }

  /**
   * One INSEE indicator: the commune's value and status (its `donnees`), with
   * its label, unit and millésime from the source's definitions, which the
   * lean dotation links (`liens.source`) instead of repeating for every commune.
   */
  function indicator(ds, key) {
    var d = ds && ds.donnees;
    if (!d || !d.valeurs || !(key in d.valeurs)) return null;
    var meta = (ds.source && ds.source.metadonnees) || {};
    var def = (meta.definitions || []).filter(function (x) { return x.id === key; })[0] || {};
    return {
      valeur: d.valeurs[key], statut: (d.statuts && d.statuts[key]) || null,
      unite: def.unite || '', libelle: def.libelle || null, millesime: def.millesime || null,
    };
  }

  /** Population: the référentiel's (always there), with the census figure as detail when INSEE is loaded. */
  function populationFigure(commune, k) {
    var cog = k.cog;
    var insee = k.insee;
    var rp = isAvailable(insee) ? indicator(insee, 'population') : null;
    var detail = rp && rp.valeur !== null ? 'Recensement ' + (rp.millesime || insee.millesime) + ' : ' + U.number(rp.valeur) + ' hab. (INSEE)' : null;
    if (commune.population === null || commune.population === undefined) {
      if (rp && rp.valeur !== null) {
        return figure('population', 'Population', insee, { value: rp.valeur, display: U.number(rp.valeur), unit: 'habitants', millesime: rp.millesime || insee.millesime });
      }
      return unavailable('population', 'Population', cog);
    }
    return figure('population', 'Population', cog, {
      value: commune.population,
      display: U.number(commune.population),
      unit: 'habitants',
      millesime: cog && cog.millesime ? 'COG ' + cog.millesime : null,
      detail: detail,
    });
  }

  function addressesFigure(k) {
    var ban = k.ban;
    if (!isAvailable(ban) || typeof (ban.donnees || {}).adresses !== 'number') return unavailable('adresses', 'Adresses', ban, 'Base Adresse Nationale');
    var d = ban.donnees;
    var parts = [];
    if (typeof d.voies === 'number') parts.push(U.number(d.voies) + ' voies');
    if (typeof d.lieuxDits === 'number' && d.lieuxDits > 0) parts.push(U.number(d.lieuxDits) + ' lieux-dits');
    if (typeof d.partCertifiee === 'number') parts.push(U.share(d.partCertifiee, 0) + ' certifiées par la commune');
    return figure('adresses', 'Adresses', ban, { value: d.adresses, display: U.number(d.adresses), unit: 'adresses', detail: parts.join(' · ') || null });
  }

  /**
   * Mobile coverage (ARCEP): the best share of the commune covered in 4G, looked
   * up in the dataset's records whatever their nesting (operator × technology × level).
   */
  function coverageFigure(k) {
    var ds = k.couverture;
    if (!isAvailable(ds)) {
      var sites = k.sites;
      if (isAvailable(sites)) return figure('couverture', 'Couverture mobile', sites, { display: 'voir les sites', detail: 'Sites mobiles par opérateur et technologie (ARCEP)' });
      return unavailable('couverture', 'Couverture mobile', ds, 'ARCEP');
    }
    var best = null;
    (function walk(node, depth) {
      if (!node || typeof node !== 'object' || depth > 6) return;
      if (Array.isArray(node)) { node.forEach(function (n) { walk(n, depth + 1); }); return; }
      var keys = Object.keys(node);
      var tech = keys.filter(function (k) { return /techno/i.test(k); }).map(function (k) { return String(node[k]); })[0];
      var shareKey = keys.filter(function (k) { return /part/i.test(k) && /surface/i.test(k) && typeof node[k] === 'number'; })[0];
      if (tech && /4G/i.test(tech) && shareKey) {
        var v = node[shareKey] > 1 ? node[shareKey] / 100 : node[shareKey];
        if (best === null || v > best.value) best = { value: v, operateur: node.operateur || node.operator || null };
      }
      keys.forEach(function (k) { walk(node[k], depth + 1); });
    })(ds.donnees, 0);
    if (!best) return figure('couverture', 'Couverture mobile', ds, { display: 'disponible', detail: 'Détail par opérateur et technologie dans le jeu' });
    return figure('couverture', 'Couverture mobile 4G', ds, {
      value: best.value, display: U.share(best.value, 0), unit: 'du territoire',
      detail: 'Part du territoire couverte en 4G' + (best.operateur ? ' (meilleur opérateur : ' + best.operateur + ')' : ' (meilleur opérateur)'),
    });
  }

  /** The most recent election available for the commune (by date of the scrutin). */
  function latestElection(datasets) {
    var found = null;
    datasets.forEach(function (ds) {
      if (!/^elections-/.test(ds.id) || !isAvailable(ds) || !ds.donnees) return;
      var date = (ds.donnees.scrutin && ds.donnees.scrutin.date) || ds.millesime || '';
      if (!found || date > found.date) found = { ds: ds, date: date };
    });
    if (!found) return null;
    var d = found.ds.donnees;
    var candidates = (d.candidats || []).slice().sort(function (a, b) { return (b.voix || 0) - (a.voix || 0); });
    var circos = {};
    candidates.forEach(function (c) { if (c.circonscription) circos[c.circonscription] = true; });
    var several = Object.keys(circos).length > 1;
    return {
      dataset: found.ds,
      date: found.date,
      libelle: (d.scrutin && d.scrutin.libelle) || found.ds.titre,
      inscrits: d.inscrits, votants: d.votants, exprimes: d.exprimes,
      participation: typeof d.votants === 'number' && d.inscrits ? d.votants / d.inscrits : null,
      candidates: candidates.map(function (c) {
        var pct = typeof c.pourcentageVoixExprimes === 'number' ? c.pourcentageVoixExprimes : (d.exprimes ? 100 * c.voix / d.exprimes : null);
        var name = c.candidat || [c.prenom, c.nom].filter(Boolean).join(' ') || c.liste || c.libelle || '?';
        var label = name + (c.nuance ? ' (' + c.nuance + ')' : '') + (several && c.circonscription ? ' — circ. ' + c.circonscription : '');
        return { label: label, voix: c.voix, pourcentage: pct, elu: c.elu === true };
      }),
    };
  }

  function electionFigure(election, datasets) {
    if (!election) {
      var registered = datasets.filter(function (d) { return /^elections-/.test(d.id); });
      var ds = registered[0];
      var fig = unavailable('elections', 'Dernières élections', ds, 'Résultats électoraux');
      if (!registered.length) fig.missing = 'Résultats électoraux : ' + STATUT_LABELS.unregistered;
      else fig.missing = 'Résultats électoraux : ' + (registered.some(function (d) { return d.statut === 'no-data-for-commune'; }) ? STATUT_LABELS['no-data-for-commune'] : STATUT_LABELS['not-ingested']);
      return fig;
    }
    var lead = election.candidates[0];
    return figure('elections', 'Participation aux dernières élections', election.dataset, {
      value: election.participation,
      display: U.share(election.participation, 1),
      unit: 'des inscrits',
      millesime: U.date(election.date),
      detail: election.libelle + (lead ? ' — en tête : ' + lead.label + ', ' + U.percent(lead.pourcentage, 1) + ' des exprimés' : ''),
    });
  }

  var INSEE_FIGURES = [
    ['densite', 'Densité', 1],
    ['tauxChomage', 'Taux de chômage (15-64 ans)', 1],
    ['medianeNiveauVie', 'Niveau de vie médian', 0],
    ['tauxPauvrete', 'Taux de pauvreté', 1],
    ['logements', 'Logements', 0],
    ['etablissements', 'Établissements actifs', 0],
  ];

  function inseeFigures(k) {
    var insee = k.insee;
    if (!isAvailable(insee)) return [unavailable('insee', 'Statistiques INSEE', insee, 'Comparateur de territoires')];
    return INSEE_FIGURES.map(function (spec) {
      var i = indicator(insee, spec[0]);
      if (!i) return null;
      var unit = i.unite === '%' ? '' : i.unite;
      var display = i.valeur === null ? 'non publié' : (i.unite === '%' ? U.percent(i.valeur, spec[2]) : U.number(i.valeur, spec[2]));
      return figure('insee-' + spec[0], spec[1], insee, {
        value: i.valeur, display: display, unit: i.valeur === null ? null : unit,
        millesime: i.millesime || insee.millesime, detail: i.valeur === null && i.statut ? i.statut : i.libelle,
      });
    }).filter(Boolean);
  }

  function qpvFigure(k) {
    var ds = k.qpv;
    if (!isAvailable(ds) || !ds.donnees) return unavailable('qpv', 'Quartiers prioritaires (QPV)', ds, 'QPV');
    var d = ds.donnees;
    var names = (d.qpv || []).map(function (q) { return q.nom; }).filter(Boolean);
    var detail = [];
    if (typeof d.partCommuneEnQpv === 'number') detail.push(U.share(d.partCommuneEnQpv, 1) + ' du territoire');
    if (names.length) detail.push(names.join(', '));
    return figure('qpv', 'Quartiers prioritaires (QPV)', ds, { value: d.nombreQpv, display: U.number(d.nombreQpv), unit: d.nombreQpv > 1 ? 'quartiers' : 'quartier', detail: detail.join(' · ') || null });
  }

  /** Active associations (RNA); in Alsace-Moselle the figure says it is partial (droit local associations are not in the RNA). */
  function associationsFigure(k) {
    var ds = k.associations;
    if (!isAvailable(ds) || !ds.donnees || typeof ds.donnees.actives !== 'number') return unavailable('associations', 'Associations actives', ds, 'RNA');
    var d = ds.donnees;
    var years = Object.keys(d.creationsParAnnee || {}).sort();
    var last = years[years.length - 1];
    var detail = [];
    if (last) detail.push('dernière année de création : ' + last + ' (' + U.number(d.creationsParAnnee[last]) + ')');
    if (d.partiel) detail.push('chiffre partiel : les associations de droit local d’Alsace-Moselle ne sont pas dans le RNA');
    return figure('associations', 'Associations actives', ds, { value: d.actives, display: U.number(d.actives), unit: 'associations', detail: detail.join(' · ') || null });
  }

  /** The planning document that applies, in words (PLUi of the EPCI, PLU, carte communale, POS, RNU) and since when. */
  function urbanismeFigure(k) {
    var ds = k.urbanisme;
    if (!isAvailable(ds) || !ds.donnees || !ds.donnees.enClair) return unavailable('urbanisme', 'Document d’urbanisme', ds, 'Géoportail de l’Urbanisme');
    var d = ds.donnees;
    return figure('urbanisme', 'Document d’urbanisme', ds, { value: d.document, display: d.document || 'aucun', detail: d.enClair });
  }

  function areaFigure(k) {
    var ds = k.contour;
    var km2 = isAvailable(ds) && ds.donnees && ds.donnees.surface ? ds.donnees.surface.km2 : null;
    if (typeof km2 !== 'number') return unavailable('superficie', 'Superficie', ds, 'Contours');
    return figure('superficie', 'Superficie', ds, { value: km2, display: U.number(km2, 2), unit: 'km²', detail: 'Surface du contour (calcul géodésique)' });
  }

  function series(ds, keys) {
    if (!isAvailable(ds)) return null;
    var items = keys.map(function (k) {
      var i = indicator(ds, k[0]);
      return i && typeof i.valeur === 'number' ? { label: k[1], value: i.valeur, millesime: i.millesime } : null;
    }).filter(Boolean);
    return items.length >= 2 ? items : null;
  }

  /** Sitadel: authorisations per year of authorisation, the four lists together, with the housing units they create. */
  function permitsSeries(ds) {
    if (!isAvailable(ds) || !ds.donnees || !ds.donnees.parAnnee) return null;
    var years = {};
    ds.donnees.parAnnee.forEach(function (y) {
      if (!y.annee) return;
      var acc = years[y.annee] || (years[y.annee] = { autorisations: 0, logements: 0 });
      acc.autorisations += y.autorisations || 0;
      acc.logements += y.logementsCrees || 0;
    });
    var items = Object.keys(years).sort().map(function (annee) {
      var y = years[annee];
      return { label: annee, value: y.autorisations, display: U.number(y.autorisations) + (y.logements ? ' · ' + U.number(y.logements) + ' logements' : '') };
    });
    return items.length ? { items: items, dataset: ds } : null;
  }

  /** DECP: contracts the commune passed, per year of notification, with their amount. */
  function contractsSeries(ds) {
    var passes = isAvailable(ds) && ds.donnees ? ds.donnees.passes : null;
    if (!passes || !passes.parAnnee) return null;
    var items = passes.parAnnee.filter(function (y) { return y.annee; }).map(function (y) {
      return { label: y.annee, value: y.marches, display: U.number(y.marches) + ' · ' + U.number(Math.round(y.montant)) + ' €' };
    });
    return items.length ? { items: items, dataset: ds } : null;
  }

  /**
   * `sources`: the `/sources/{id}` documents the caller fetched (by id), joined
   * to their datasets as `?detail=complet` would inline them.
   */
  function summarize(dotation, sources) {
    var datasets = (dotation.datasets || []).map(function (d) {
      var doc = sources && sources[d.id];
      return doc && !d.source ? Object.assign({}, d, { source: doc }) : d;
    });
    var byId = indexById(datasets);
    var k = {};
    Object.keys(KNOWN).forEach(function (key) { k[key] = known(byId, datasets, key); });
    var election = latestElection(datasets);
    var insee = k.insee;
    var registered = datasets.filter(function (d) { return d.id !== 'cog'; });
    var available = registered.filter(isAvailable);
    return {
      commune: dotation.commune,
      release: dotation.release,
      datasets: datasets,
      byId: byId,
      known: k,
      headline: [populationFigure(dotation.commune, k), addressesFigure(k), coverageFigure(k), electionFigure(election, datasets)],
      more: [qpvFigure(k), areaFigure(k), associationsFigure(k), urbanismeFigure(k)].concat(inseeFigures(k)),
      election: election,
      housing: series(insee, [['residencesPrincipales', 'Résidences principales'], ['residencesSecondaires', 'Résidences secondaires et occasionnelles'], ['logementsVacants', 'Logements vacants']]),
      establishments: series(insee, [['etablissementsAgriculture', 'Agriculture'], ['etablissementsIndustrie', 'Industrie'], ['etablissementsConstruction', 'Construction'], ['etablissementsCommerceServices', 'Commerce, transports, services'], ['etablissementsAdministration', 'Administration, enseignement, santé']]),
      permits: permitsSeries(k.permis),
      contracts: contractsSeries(k.marches),
      layers: { contour: k.contour, iris: k.iris, qpv: k.qpv },
      coverage: { available: available.length, total: registered.length },
    };
  }

  /** The datasets whose figures need their source's definitions (the INSEE statistics). */
  function needsSource(dotation) {
    var datasets = dotation.datasets || [];
    var insee = known(indexById(datasets), datasets, 'insee');
    return isAvailable(insee) && !insee.source && insee.liens && insee.liens.source ? [insee] : [];
  }

  global.DotationFigures = { summarize: summarize, needsSource: needsSource, statutLabel: function (s) { return STATUT_LABELS[s] || s; }, isAvailable: isAvailable };
})(globalThis);
