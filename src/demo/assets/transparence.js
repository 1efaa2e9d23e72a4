/*
 * Dotation — démonstrateur. The "Transparence" charts: the commune's budget
 * (OFGL, € per inhabitant over the last five exercices) and its births and
 * deaths per year (INSEE état civil), each with its source and millésime, or
 * a line saying why a figure is missing. Defines `DotationTransparence`.
 */
(function (global) {
  'use strict';
  var U = global.DotationUtil;
  var C = global.DotationCharts;
  var BUDGET_CHARTS = ['Recettes de fonctionnement', 'Dépenses de fonctionnement', 'Dépenses d\'équipement', 'Encours de dette'];
  var STATUTS = { M: 'valeur manquante à la source (statut M)' };

  function byId(datasets, id) {
    return (datasets || []).filter(function (d) { return d.id === id; })[0] || null;
  }

  function missing(id, title, text) {
    return U.el('figure', { class: 'graphique', data: { chart: id, statut: 'missing' } },
      U.el('figcaption', { class: 'graphique__titre', text: title }),
      U.el('p', { class: 'graphique__note', text: text }));
  }

  function whyMissing(ds, statutLabel) {
    return ds ? 'Non disponible : ' + statutLabel(ds.statut) + '.' : 'Non disponible : jeu non enregistré sur cette instance.';
  }

  function budgetCharts(ds, statutLabel) {
    if (!ds || ds.statut !== 'available' || !ds.donnees || !ds.donnees.synthese) return [missing('budget', 'Budget de la commune', whyMissing(ds, statutLabel))];
    var s = ds.donnees.synthese;
    var pop = ds.donnees.populationDgf || {};
    var source = 'Source : ' + ds.producteur + ' · exercices ' + s.exercices.join(', ') + ' · millésime ' + ds.millesime;
    return BUDGET_CHARTS.map(function (name, n) {
      var a = s.agregats.filter(function (x) { return x.agregat === name; })[0];
      if (!a) return null;
      return C.bars({
        id: 'budget-' + n,
        title: name + ' — € par habitant',
        items: s.exercices.map(function (e, i) {
          var v = a.montantParHabitant[i];
          return { label: e, value: v, display: v === null ? 'non publié pour cet exercice' : U.number(v, 0) + ' €/hab. (' + U.number(a.montant[i], 0) + ' €)' };
        }),
        note: 'Par habitant de la population DGF de l\'exercice (' + s.exercices.map(function (e) { return e + ' : ' + U.number(pop[e]); }).join(', ') + '), pas la population municipale.',
        source: source,
      });
    }).filter(Boolean);
  }

  function etatCivilCharts(ds, statutLabel) {
    if (!ds || ds.statut !== 'available' || !ds.donnees || !ds.donnees.annees) return [missing('etat-civil', 'Naissances et décès', whyMissing(ds, statutLabel))];
    var years = ds.donnees.annees.slice(-10);
    var absences = ds.donnees.absences || {};
    var source = 'Source : ' + ds.producteur + ' · événements domiciliés · millésime ' + ds.millesime;
    return [['naissances', 'statutNaissances', 'Naissances'], ['deces', 'statutDeces', 'Décès']].map(function (spec) {
      var present = years.some(function (y) { return y[spec[0]] !== null || y[spec[1]] !== null; });
      if (!present) return missing('etat-civil-' + spec[0], spec[2] + ' par année', 'Non disponible : ' + (absences[spec[0]] || 'aucune valeur pour cette commune') + '.');
      return C.bars({
        id: 'etat-civil-' + spec[0],
        title: spec[2] + ' par année (domicile)',
        items: years.map(function (y) {
          var v = y[spec[0]];
          return { label: y.annee, value: v, display: v === null ? (STATUTS[y[spec[1]]] || 'non publié') : U.number(v) + (spec[0] === 'deces' && y.soldeNaturel !== null ? ' (solde naturel ' + (y.soldeNaturel > 0 ? '+' : '') + U.number(y.soldeNaturel) + ')' : '') };
        }),
        source: source,
      });
    });
  }

  /** Charts for the "Transparence" datasets present in the dotation (or why they are missing). */
  function charts(datasets, statutLabel) {
    return budgetCharts(byId(datasets, 'budget-ofgl'), statutLabel).concat(etatCivilCharts(byId(datasets, 'etat-civil-insee'), statutLabel));
  }

  global.DotationTransparence = { charts: charts };
})(globalThis);
