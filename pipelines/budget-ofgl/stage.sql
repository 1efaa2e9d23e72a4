-- OFGL comptes consolidés des communes: one row per exercice × commune × agrégat. `{{csv}}` reads columns c0…cN
-- in file order, header line skipped (the header is bound by name in source.ts), codes and labels as text, amounts
-- and population typed; a refused value is then located by a plain scan with its line (source.ts).
-- `{{exercice}}`, `{{code}}`… are the bound columns. Codes go to today's communes through budget_code_map and
-- commune_key (framework/rekey.ts, rekey-keys.ts). The file is read once, into `budget_lignes` (typed, in a
-- compressed in-memory database, spilled beyond DuckDB's memory limit); every later step reads that table.
-- (Records built as JSON by DuckDB itself, framework/sql-records.ts, measured slower here: README, Mesures.)

-- name: lignes
-- One row per line of the file in scope, under today's commune key, amounts and population typed by the reader
-- (`{{csv}}`: a value that does not convert stops the read). `bad` flags the exercices that are not a year, the
-- empty agrégats and the amounts DuckDB reads but are no number (`NaN`, `inf`, which JSON cannot carry): the checks
-- cost a bool_or over the table, not another pass over the file. `code` is kept only
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
  coalesce(NOT regexp_full_match(exercice, '(19|20)[0-9]{2}'), TRUE) OR agregat IS NULL
    OR NOT coalesce(isfinite(montant) AND isfinite(bp) AND isfinite(ba) AND isfinite(flux) AND isfinite(par_habitant), TRUE) AS bad
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

-- name: rows
-- The cells of the keys {{first}}…{{last}} (one batch, so that what DuckDB holds stays bounded), in commune order
-- for project.ts: one per commune × exercice × agrégat, where the rows of communes merged since the file's COG
-- add up; € per inhabitant is the file's own when one row stands alone, else Σ montant / Σ population, never
-- summed. `code_source`/`code_max`: the smallest and largest code of the file summed into the cell.
SELECT cle, exercice::VARCHAR AS exercice, agregat,
  sum(montant) AS montant, sum(bp) AS bp, sum(ba) AS ba, sum(flux) AS flux, sum(population)::INTEGER AS population,
  CASE WHEN count(*) = 1 THEN any_value(par_habitant) ELSE sum(montant) / nullif(sum(population), 0) END AS par_habitant,
  min(coalesce(code, cle)) AS code_source, max(coalesce(code, cle)) AS code_max
FROM budget_db.budget_lignes
WHERE cle BETWEEN {{first}} AND {{last}} AND NOT starts_with(cle, '!')
GROUP BY cle, exercice, agregat
ORDER BY cle, exercice, agregat;

-- name: cleanup
DROP TABLE IF EXISTS budget_db.budget_lignes;
