-- OFGL comptes consolidés des communes: one row per exercice × commune × agrégat. `{{csv}}` reads columns c0…cN
-- in file order, header line skipped (the header is bound by name in source.ts), codes and labels as text, amounts
-- and population typed; a refused value is then located by a plain scan with its line (source.ts).
-- `{{exercice}}`, `{{code}}`… are the bound columns. Codes go to today's communes through budget_code_map and
-- commune_key (framework/rekey.ts, rekey-keys.ts). The file is read once, into `budget_lignes` (typed, in a
-- compressed in-memory database, spilled beyond DuckDB's memory limit); every later step reads that table.

-- name: lignes
-- One row per line of the file in scope, under today's commune key, amounts and population typed by the reader
-- (`{{csv}}`: a value that does not convert stops the read). `bad` flags the exercices that are not a year and the
-- empty agrégats: the checks cost a bool_or over the table, not another pass over the file. `code` is kept only
-- where it differs from the key (a commune merged since the file's COG).
CREATE OR REPLACE TABLE budget_db.budget_lignes AS
WITH keyed AS (
  SELECT commune_key(s.{{code}}, m.code_source IS NOT NULL, m.commune) AS cle, s.{{code}} AS code, s.{{exercice}} AS exercice,
    s.{{agregat}} AS agregat, s.{{montant}} AS montant, s.{{bp}} AS bp, s.{{ba}} AS ba, s.{{flux}} AS flux,
    s.{{population}} AS population, s.{{par_habitant}} AS par_habitant
  FROM {{csv}} s LEFT JOIN budget_code_map m ON m.code_source = s.{{code}}
  WHERE in_scope(coalesce(s.{{code}}, ''))
)
SELECT cle, nullif(code, cle) AS code, TRY_CAST(exercice AS USMALLINT) AS exercice, agregat,
  montant, bp, ba, flux, population, par_habitant,
  coalesce(NOT regexp_full_match(exercice, '(19|20)[0-9]{2}'), TRUE) OR agregat IS NULL AS bad
FROM keyed;

-- name: checks
SELECT coalesce(bool_or(bad), FALSE) AS bad FROM budget_db.budget_lignes;

-- name: keys
-- Rows per key (a commune, or `!U:<code>`… for rows set aside, rekey-keys.ts), in key order: the batches of `records`.
SELECT cle, count(*)::BIGINT AS lignes FROM budget_db.budget_lignes GROUP BY cle ORDER BY cle;

-- name: exercices
SELECT DISTINCT exercice::VARCHAR AS exercice FROM budget_db.budget_lignes WHERE NOT starts_with(cle, '!') ORDER BY exercice;

-- name: agregats
SELECT DISTINCT agregat FROM budget_db.budget_lignes;

-- name: records
-- The records of the keys {{first}}…{{last}} (one batch, so that what DuckDB holds stays bounded), as JSON text
-- (framework/sql-records.ts). One cell per commune × exercice × agrégat: the rows of communes merged since the
-- file's COG add up; € per inhabitant is the file's own when one row stands alone, else Σ montant / Σ population,
-- never summed. The summary: the agrégats {{agregatsSynthese}} over the exercices {{exercicesSynthese}}, null where
-- the commune has no such cell.
WITH lignes AS (
  SELECT * FROM budget_db.budget_lignes WHERE cle BETWEEN {{first}} AND {{last}}
),
cellules AS (
  SELECT cle, exercice::VARCHAR AS exercice, agregat, count(*) AS lignes,
    sum(montant) AS montant, sum(bp) AS bp, sum(ba) AS ba, sum(flux) AS flux, sum(population)::INTEGER AS population,
    CASE WHEN count(*) = 1 THEN any_value(par_habitant) ELSE sum(montant) / nullif(sum(population), 0) END AS par_habitant
  FROM lignes GROUP BY cle, exercice, agregat
),
exercices AS (
  -- The DGF population of an exercice: that of its first agrégat (the file gives one per commune and exercice).
  SELECT cle, list_sort(list(exercice)) AS exercices, map_from_entries(list_sort(list((exercice, population)))) AS population
  FROM (SELECT cle, exercice, arg_min(population, agregat) AS population FROM cellules GROUP BY cle, exercice)
  GROUP BY cle
),
codes AS (
  -- The codes of the file summed into a commune, when one differs from today's (`code` is null where it is today's).
  SELECT cle, list_sort(list(DISTINCT code) FILTER (WHERE code IS NOT NULL)) AS autres, bool_or(code IS NULL) AS avec_cle
  FROM lignes GROUP BY cle
),
communes AS (
  SELECT cle, sum(lignes)::BIGINT AS lignes,
    -- Sorted after the fact (structs sort field by field: exercice, then agrégat): an ordered aggregate buffers per group.
    to_json(list_sort(list({'exercice': exercice, 'agregat': agregat, 'montant': montant, 'montantBP': bp, 'montantBA': ba,
      'montantFluxBPBA': flux, 'populationDgf': population, 'montantParHabitant': par_habitant})))::VARCHAR AS rows,
    map_from_entries(list((agregat || chr(0) || exercice, {'montant': montant, 'parHabitant': par_habitant}))
      FILTER (WHERE list_contains({{agregatsSynthese}}, agregat) AND list_contains({{exercicesSynthese}}, exercice))) AS synthese
  FROM cellules GROUP BY cle
),
assembled AS (
  SELECT c.cle, c.lignes, c.rows, k.autres, k.avec_cle, to_json({
    'exercices': e.exercices, 'populationDgf': e.population,
    'synthese': {'exercices': {{exercicesSynthese}}, 'agregats': [{
      'agregat': a,
      'montant': [c.synthese[a || chr(0) || y].montant FOR y IN {{exercicesSynthese}}],
      'montantParHabitant': [c.synthese[a || chr(0) || y].parHabitant FOR y IN {{exercicesSynthese}}],
    } FOR a IN {{agregatsSynthese}}]},
  }) AS data
  FROM communes c JOIN exercices e USING (cle) JOIN codes k USING (cle)
)
SELECT cle, lignes, rows,
  CASE WHEN autres IS NULL THEN data
    ELSE json_merge_patch(data, json_object('codesSommes', list_sort(autres || CASE WHEN avec_cle THEN [cle] ELSE [] END))) END::VARCHAR AS data
FROM assembled
ORDER BY cle;

-- name: cleanup
DROP TABLE IF EXISTS budget_db.budget_lignes;
