-- OFGL comptes consolidés des communes: one row per exercice × commune × agrégat. Every column is read as text
-- (`{{csv}}`, columns c0…cN in file order, header line skipped; the header is bound by name in source.ts), so that
-- codes keep their zeros and a malformed value is counted here, then located by a plain scan with its line.
-- `{{exercice}}`, `{{code}}`… are the bound columns. Codes go to today's communes through budget_code_map and
-- commune_key (framework/rekey.ts, rekey-keys.ts).

-- name: groups
-- One group per today's commune × exercice × agrégat: the rows of communes merged since the file's COG add up;
-- € per inhabitant is the file's own when one row stands alone, else recomputed as Σ montant / Σ population,
-- never summed. Malformed values are counted per group (checks below) before anything is used.
CREATE OR REPLACE TEMP TABLE budget_groupes AS
WITH src AS (
  SELECT {{code}} AS code, {{exercice}} AS exercice, {{agregat}} AS agregat,
    TRY_CAST({{montant}} AS DOUBLE) AS montant, TRY_CAST({{bp}} AS DOUBLE) AS bp, TRY_CAST({{ba}} AS DOUBLE) AS ba,
    TRY_CAST({{flux}} AS DOUBLE) AS flux, TRY_CAST({{population}} AS BIGINT) AS population,
    TRY_CAST({{par_habitant}} AS DOUBLE) AS par_habitant,
    (NOT regexp_full_match(coalesce({{exercice}}, ''), '(19|20)[0-9]{2}'))::INTEGER AS bad_exercice,
    (coalesce({{agregat}}, '') = '')::INTEGER AS bad_agregat,
    ({{montant}} IS NOT NULL AND TRY_CAST({{montant}} AS DOUBLE) IS NULL)::INTEGER AS bad_montant,
    ({{bp}} IS NOT NULL AND TRY_CAST({{bp}} AS DOUBLE) IS NULL)::INTEGER AS bad_bp,
    ({{ba}} IS NOT NULL AND TRY_CAST({{ba}} AS DOUBLE) IS NULL)::INTEGER AS bad_ba,
    ({{flux}} IS NOT NULL AND TRY_CAST({{flux}} AS DOUBLE) IS NULL)::INTEGER AS bad_flux,
    ({{population}} IS NOT NULL AND TRY_CAST({{population}} AS BIGINT) IS NULL)::INTEGER AS bad_population,
    ({{par_habitant}} IS NOT NULL AND TRY_CAST({{par_habitant}} AS DOUBLE) IS NULL)::INTEGER AS bad_par_habitant
  FROM {{csv}}
  WHERE in_scope(coalesce({{code}}, ''))
)
SELECT commune_key(s.code, m.code_source IS NOT NULL, m.commune) AS cle, s.exercice, s.agregat,
  count(*)::BIGINT AS lignes,
  sum(s.montant) AS montant, sum(s.bp) AS bp, sum(s.ba) AS ba, sum(s.flux) AS flux, sum(s.population)::BIGINT AS population,
  CASE WHEN count(*) = 1 THEN any_value(s.par_habitant) ELSE sum(s.montant) / nullif(sum(s.population), 0) END AS par_habitant,
  min(s.code) AS code_source, max(s.code) AS code_max,
  sum(bad_exercice)::BIGINT AS bad_exercice, sum(bad_agregat)::BIGINT AS bad_agregat, sum(bad_montant)::BIGINT AS bad_montant,
  sum(bad_bp)::BIGINT AS bad_bp, sum(bad_ba)::BIGINT AS bad_ba, sum(bad_flux)::BIGINT AS bad_flux,
  sum(bad_population)::BIGINT AS bad_population, sum(bad_par_habitant)::BIGINT AS bad_par_habitant
FROM src s LEFT JOIN budget_code_map m ON m.code_source = s.code
GROUP BY ALL;

-- name: checks
SELECT coalesce(sum(bad_exercice), 0)::BIGINT AS exercice, coalesce(sum(bad_agregat), 0)::BIGINT AS agregat,
  coalesce(sum(bad_montant), 0)::BIGINT AS montant, coalesce(sum(bad_bp), 0)::BIGINT AS bp, coalesce(sum(bad_ba), 0)::BIGINT AS ba,
  coalesce(sum(bad_flux), 0)::BIGINT AS flux, coalesce(sum(bad_population), 0)::BIGINT AS population,
  coalesce(sum(bad_par_habitant), 0)::BIGINT AS par_habitant
FROM budget_groupes;

-- name: keys
-- Rows per key: a commune, or `!U:<code>`… for rows set aside (rekey-keys.ts).
SELECT cle, sum(lignes)::BIGINT AS lignes FROM budget_groupes GROUP BY cle;

-- name: exercices
SELECT DISTINCT exercice FROM budget_groupes WHERE NOT starts_with(cle, '!') ORDER BY exercice;

-- name: agregats
SELECT DISTINCT agregat FROM budget_groupes ORDER BY agregat;

-- name: rows
SELECT cle, exercice, agregat, montant, bp, ba, flux, population::INTEGER AS population, par_habitant, code_source, code_max
FROM budget_groupes WHERE NOT starts_with(cle, '!') ORDER BY cle, exercice, agregat;

-- name: cleanup
DROP TABLE IF EXISTS budget_groupes;
