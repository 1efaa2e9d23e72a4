-- Annuaire Santé, PS_LibreAcces_Personne_activite (sources-wave2 §4.2): one row
-- per professional × activity site, read once (`read`: no names, phones or e-mails are
-- ever read); `ps_code_map` the re-keying of every COG
-- code, `ps_postal` the postal codes of one commune, `ps_plm` arrondissement →
-- city, `in_scope(code)` the run's départements (framework/scope-sql.ts).

-- name: lieux
-- Where a row can be placed, under one key: its commune code as written (every COG code, `ps_code_map`), or `CP`
-- and its postal code (`ps_postal`): one equality join in the read instead of two. `parent`: Paris, Lyon or
-- Marseille for a row there, written with the city's code or an arrondissement's (`ps_plm_of`).
CREATE OR REPLACE TEMP TABLE ps_plm_of AS
SELECT code, parent FROM ps_plm UNION SELECT parent, parent FROM ps_plm;
CREATE OR REPLACE TEMP TABLE ps_lieux AS
SELECT m.code_source AS lieu, m.commune, m.motif, p.parent FROM ps_code_map m LEFT JOIN ps_plm_of p ON p.code = m.commune
UNION ALL
SELECT 'CP' || c.code_postal, c.commune, c.motif, p.parent FROM ps_postal c LEFT JOIN ps_plm_of p ON p.code = c.commune;

-- name: read
-- The file(s) read ONCE (`{{cells}}`: the columns of COLUMNS, trimmed, empty = NULL, `fichier` the file's number)
-- straight into the counts per commune and profession: no table of the rows, no table of the persons (each cost
-- more than the read itself on the national file). Each row's key `cle`: its commune code, or else, on a French
-- site, its postal code when that names one commune; `!<motif>` for a row set aside; NULL outside the run's
-- départements. Per key and profession: the file's rows (`lignes`, `par_code_postal`), distinct professionals
-- (the dedupe on Identification nationale PP), those with a généraliste savoir-faire and with any savoir-faire
-- (a généraliste has one), the professionals of Paris, Lyon and Marseille with their savoir-faire (`plm`: the city
-- counts them deduplicated over itself and its arrondissements in `records`), the file's label, and `defaut`, the
-- smallest `{{defaut}}` of the rows: the file and first failing check (CHECKS in project.ts, labels included),
-- NULL when every row passes; the file is then scanned again to name the line (counted-checks.ts).
CREATE OR REPLACE TEMP TABLE ps_comptes AS
WITH cells AS (
{{cells}}
),
keyed AS (
  SELECT *, {{defaut}} AS defaut, CASE WHEN code_commune IS NOT NULL THEN code_commune ELSE 'CP' || code_postal END AS lieu
  FROM cells
),
placed AS (
  SELECT k.*, l.parent,
    CASE WHEN NOT in_scope(coalesce(l.commune, k.code_commune, k.code_postal, '99')) THEN NULL
      WHEN l.commune IS NOT NULL AND (k.code_commune IS NOT NULL OR k.code_pays IS NULL OR k.code_pays IN ({{france}})) THEN l.commune
      ELSE '!' || CASE WHEN k.code_commune IS NOT NULL THEN coalesce(l.motif, 'code commune inconnu du COG')
        WHEN NOT (k.code_pays IS NULL OR k.code_pays IN ({{france}})) THEN 'site hors de France'
        WHEN k.code_postal IS NULL THEN 'ni code commune ni code postal'
        ELSE coalesce(l.motif, 'code postal inconnu du COG') END END AS cle
  FROM keyed k LEFT JOIN ps_lieux l ON l.lieu = k.lieu
)
SELECT cle, code_profession, count(*) AS lignes, count(*) FILTER (WHERE code_commune IS NULL) AS par_code_postal, min(defaut) AS defaut,
  count(DISTINCT id_pp) AS nombre, count(DISTINCT id_pp) FILTER (WHERE code_sf IN ({{generalistes}})) AS generalistes,
  count(DISTINCT id_pp) FILTER (WHERE code_sf IS NOT NULL) AS avec_sf,
  list({'id_pp': id_pp, 'sf': CASE WHEN code_sf IN ({{generalistes}}) THEN 2 WHEN code_sf IS NOT NULL THEN 1 ELSE 0 END}) FILTER (WHERE parent IS NOT NULL) AS plm, min(libelle_profession) AS libelle
FROM placed GROUP BY cle, code_profession;

-- name: defaut
SELECT min(defaut) AS defaut FROM ps_comptes;

-- name: accounting
SELECT coalesce(sum(lignes) FILTER (WHERE NOT starts_with(cle, '!')), 0) AS attribuees,
  coalesce(sum(par_code_postal) FILTER (WHERE NOT starts_with(cle, '!')), 0) AS par_code_postal,
  coalesce(sum(lignes), 0) AS lues, coalesce(sum(lignes) FILTER (WHERE cle IS NOT NULL), 0) AS dans_le_perimetre
FROM ps_comptes;

-- name: rejected
SELECT cle[2:] AS motif, sum(lignes) AS n FROM ps_comptes WHERE starts_with(cle, '!') GROUP BY cle ORDER BY motif;

-- name: records
-- Each commune's record as JSON text (the document and the table: a row per profession, and for physicians one per
-- savoir-faire group); Paris, Lyon and Marseille count the professionals of their rows and of their arrondissements',
-- each once. The label of each code is the file's (its smallest, as one code has one label in the file).
WITH plm AS (
  SELECT p.parent AS commune, c.code_profession, c.u.id_pp, max(c.u.sf) AS sf
  FROM (SELECT cle, code_profession, unnest(plm) AS u FROM ps_comptes WHERE plm IS NOT NULL) c JOIN ps_plm_of p ON p.code = c.cle
  GROUP BY ALL
),
counts AS (
  SELECT cle AS commune, code_profession, nombre, generalistes, avec_sf - generalistes AS specialistes, nombre - avec_sf AS non_renseigne
  FROM ps_comptes WHERE NOT starts_with(cle, '!') AND cle NOT IN (SELECT parent FROM ps_plm)
  UNION ALL
  SELECT commune, code_profession, count(*), count(*) FILTER (WHERE sf = 2), count(*) FILTER (WHERE sf = 1), count(*) FILTER (WHERE sf = 0)
  FROM plm GROUP BY ALL
),
labelled AS (
  SELECT c.*, l.libelle FROM counts c
  LEFT JOIN (SELECT code_profession, min(libelle) AS libelle FROM ps_comptes GROUP BY ALL) l USING (code_profession)
),
groups AS (
  SELECT commune, code_profession, 0 AS k, 'ensemble' AS savoir_faire, libelle, nombre AS n FROM labelled
  UNION ALL SELECT commune, code_profession, 1, 'generalistes', libelle, generalistes FROM labelled WHERE code_profession = {{medecin}}
  UNION ALL SELECT commune, code_profession, 2, 'specialistes', libelle, specialistes FROM labelled WHERE code_profession = {{medecin}}
  UNION ALL SELECT commune, code_profession, 3, 'non-renseigne', libelle, non_renseigne FROM labelled WHERE code_profession = {{medecin}}
),
tables AS (
  SELECT commune, list_transform(list_sort(list({'code': code_profession, 'k': k,
    'row': {'profession': code_profession, 'libelleProfession': libelle, 'savoirFaire': savoir_faire, 'professionnels': n}})), x -> x.row) AS rows
  FROM groups GROUP BY commune
),
documents AS (
  SELECT commune, list_sort(list({'code': code_profession, 'libelle': libelle, 'nombre': nombre})) AS professions,
    any_value({'generalistes': generalistes, 'specialistes': specialistes, 'nonRenseigne': non_renseigne}) FILTER (WHERE code_profession = {{medecin}}) AS medecins
  FROM labelled GROUP BY commune
)
SELECT d.commune AS cle,
  CASE WHEN d.medecins IS NULL THEN to_json({'professions': d.professions}) ELSE to_json({'professions': d.professions, 'medecins': d.medecins}) END::VARCHAR AS data,
  to_json(t.rows)::VARCHAR AS rows
FROM documents d JOIN tables t USING (commune) ORDER BY d.commune;

-- name: cleanup
DROP TABLE IF EXISTS ps_comptes;
DROP TABLE IF EXISTS ps_lieux;
DROP TABLE IF EXISTS ps_plm_of;
