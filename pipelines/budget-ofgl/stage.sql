-- OFGL comptes consolidés des communes: one row per exercice × commune × agrégat. Every column is read as text
-- (`{{csv}}`, columns c0…cN in file order, header line skipped; the header is bound by name in source.ts), so that
-- codes keep their zeros; `{{exercice}}`, `{{code}}`… are the bound columns. The file is read ONCE, into a narrow
-- typed table whose `defaut` (`{{defaut}}`, written from CHECKS in project.ts) is the index of the row's first
-- failing check, so a clean file costs no second read; a refused value is then located by a scan naming its line. Codes go to
-- today's communes through budget_code_map and commune_key (framework/rekey.ts, rekey-keys.ts).

-- name: lines
-- The codes are kept as read: mapping them onto today's communes is done once per distinct code below (a join in
-- this read would cost more than the read's casts).
CREATE OR REPLACE TEMP TABLE budget_lignes AS
SELECT {{code}} AS code, TRY_CAST({{exercice}} AS SMALLINT) AS exercice, {{agregat}} AS agregat,
  TRY_CAST({{montant}} AS DOUBLE) AS montant, TRY_CAST({{bp}} AS DOUBLE) AS bp, TRY_CAST({{ba}} AS DOUBLE) AS ba,
  TRY_CAST({{flux}} AS DOUBLE) AS flux, TRY_CAST({{population}} AS BIGINT) AS population,
  TRY_CAST({{par_habitant}} AS DOUBLE) AS par_habitant, {{defaut}} AS defaut
FROM {{csv}}
WHERE in_scope(coalesce({{code}}, ''));

-- name: checks
SELECT DISTINCT defaut FROM budget_lignes WHERE defaut IS NOT NULL ORDER BY defaut;

-- name: codes
-- Each code of the file once, with its key: a commune of today, or `!U:<code>`… for rows set aside (rekey-keys.ts).
CREATE OR REPLACE TEMP TABLE budget_codes AS
SELECT k.code, commune_key(k.code, m.code_source IS NOT NULL, m.commune) AS cle, k.lignes
FROM (SELECT code, count(*)::BIGINT AS lignes FROM budget_lignes GROUP BY code) k
LEFT JOIN budget_code_map m ON m.code_source = k.code;
-- Today's communes numbered in their order, and whether their rows add up (merged since the file's COG, or another
-- code): the rows reach JavaScript as numbers only (a text costs far more to hand over) and are named back from
-- the lists below.
CREATE OR REPLACE TEMP TABLE budget_commune_ids AS
SELECT cle, (row_number() OVER (ORDER BY cle) - 1)::INTEGER AS id, list_sort(list(code)) AS codes,
  count(*) > 1 OR any_value(code) <> cle AS sommee
FROM budget_codes WHERE NOT starts_with(cle, '!') GROUP BY cle;
CREATE OR REPLACE TEMP TABLE budget_code_ids AS
SELECT b.code, c.id, c.sommee FROM budget_codes b JOIN budget_commune_ids c USING (cle);
CREATE OR REPLACE TEMP TABLE budget_agregat_ids AS
SELECT agregat, (row_number() OVER (ORDER BY agregat) - 1)::INTEGER AS id
FROM (SELECT DISTINCT agregat FROM budget_lignes);

-- name: keys
SELECT cle, sum(lignes)::BIGINT AS lignes FROM budget_codes GROUP BY cle;

-- name: exercices
SELECT DISTINCT exercice::VARCHAR AS exercice FROM budget_lignes SEMI JOIN budget_code_ids USING (code) ORDER BY exercice;

-- name: agregats
SELECT agregat FROM budget_agregat_ids ORDER BY id;

-- name: rows
-- Today's communes' rows (`rang`: the commune's number). A commune whose rows add up does so per exercice × agrégat:
-- € per inhabitant is the file's own when one row stands alone, else recomputed as Σ montant / Σ population, never
-- summed; every other commune's rows pass through as read. Per commune and exercice, the DGF population (that of
-- the first agrégat, as the long table shows it) and whether an agrégat repeats.
CREATE OR REPLACE TEMP TABLE budget_sommees AS
SELECT c.id AS rang, exercice, agregat, sum(montant) AS montant, sum(bp) AS bp, sum(ba) AS ba, sum(flux) AS flux,
  sum(population)::BIGINT AS population,
  CASE WHEN count(*) = 1 THEN any_value(par_habitant) ELSE sum(montant) / nullif(sum(population), 0) END AS par_habitant
FROM budget_lignes JOIN budget_code_ids c USING (code) WHERE c.sommee
GROUP BY c.id, exercice, agregat;
CREATE OR REPLACE TEMP VIEW budget_rows AS
SELECT c.id AS rang, exercice, agregat, montant, bp, ba, flux, population, par_habitant
FROM budget_lignes JOIN budget_code_ids c USING (code) WHERE NOT c.sommee
UNION ALL
SELECT * FROM budget_sommees;
CREATE OR REPLACE TEMP TABLE budget_exercices AS
SELECT rang, exercice, arg_min_null(population, agregat) AS population, count(*) > count(DISTINCT agregat) AS repete
FROM budget_rows GROUP BY rang, exercice;

-- name: repeated
-- The first commune and exercice where an agrégat has two rows (the file breaks its own grain).
SELECT c.cle, e.exercice, (
  SELECT min(agregat) FROM (SELECT agregat FROM budget_rows r WHERE r.rang = e.rang AND r.exercice = e.exercice GROUP BY agregat HAVING count(*) > 1)
) AS agregat
FROM (SELECT * FROM budget_exercices WHERE repete ORDER BY rang, exercice LIMIT 1) e JOIN budget_commune_ids c ON c.id = e.rang;

-- name: record_lines
SELECT r.rang, r.exercice::INTEGER * 100000 + a.id AS ordre, r.exercice, a.id AS agregat, r.montant, r.bp, r.ba, r.flux,
  r.population, r.par_habitant
FROM budget_rows r JOIN budget_agregat_ids a USING (agregat)

-- name: record_line
-- Each row's JSON array in FIELDS order (project.ts), numbers as JavaScript writes them (js_number);
-- `{{agregats}}`: the agrégats' JSON texts, by id.
concat('["', exercice, '",', {{agregats}}[agregat + 1], ',', js_number(montant), ',', js_number(bp), ',', js_number(ba), ',',
  js_number(flux), ',', coalesce(population::VARCHAR, 'null'), ',', js_number(par_habitant), ']')

-- name: record_heads
-- Each commune's data: its exercices and DGF population, the summary ({{summary_*}}: the ten agrégats over the
-- file's last five exercices, written by project.ts' summarySql) and, for communes merged since, the codes summed.
WITH cells AS (
  SELECT rang, {{summary_index}} AS i,
    concat({{summary_label}}, '"montant":[', {{summary_montants}}, '],"montantParHabitant":[', {{summary_par_habitant}}, ']}') AS item
  FROM budget_rows WHERE {{summary_filter}}
  GROUP BY rang, agregat
),
synthese AS (SELECT rang, concat({{summary_items}}) AS agregats FROM cells GROUP BY rang),
populations AS (
  SELECT rang, list_sort(list(exercice)) AS exercices,
    list_transform(list_sort(list((exercice, population))), e -> concat('"', e[1], '":', coalesce(e[2]::VARCHAR, 'null'))) AS populations
  FROM budget_exercices GROUP BY rang
)
SELECT c.id AS rang, c.cle, concat('{"exercices":["', array_to_string(p.exercices, '","'), '"],"populationDgf":{',
  array_to_string(p.populations, ','), '},"synthese":{"exercices":', {{summary_years}}, ',"agregats":[',
  coalesce(s.agregats, {{summary_empty}}), ']}', CASE WHEN c.sommee THEN concat(',"codesSommes":', to_json(c.codes)) END, '}') AS data
FROM budget_commune_ids c JOIN populations p ON p.rang = c.id LEFT JOIN synthese s ON s.rang = c.id

-- name: cleanup
DROP TABLE IF EXISTS budget_lignes;
DROP TABLE IF EXISTS budget_codes;
DROP TABLE IF EXISTS budget_commune_ids;
DROP TABLE IF EXISTS budget_code_ids;
DROP TABLE IF EXISTS budget_agregat_ids;
DROP VIEW IF EXISTS budget_rows;
DROP TABLE IF EXISTS budget_sommees;
DROP TABLE IF EXISTS budget_exercices;
