-- Annuaire Santé, PS_LibreAcces_Personne_activite (sources-wave2 §4.2): one row
-- per professional × activity site. `ps` holds the staged columns (no names,
-- phones or e-mails are ever staged); `ps_code_map` the re-keying of every COG
-- code, `ps_postal` the postal codes of one commune, `ps_plm` arrondissement →
-- city, `in_scope(code)` the run's départements (framework/scope-sql.ts).

-- name: place
-- Each row's commune: its commune code, or else its postal code when that names one commune.
CREATE OR REPLACE TEMP TABLE ps_place AS
SELECT p.id_pp, p.code_profession, p.libelle_profession, p.code_sf,
  CASE WHEN p.code_commune IS NOT NULL THEN m.commune
       WHEN p.code_pays IS NOT NULL AND p.code_pays NOT IN ('99100', '99000') THEN NULL
       ELSE cp.commune END AS commune,
  CASE WHEN p.code_commune IS NOT NULL THEN coalesce(m.motif, CASE WHEN m.code_source IS NULL THEN 'code commune inconnu du COG' END)
       WHEN p.code_pays IS NOT NULL AND p.code_pays NOT IN ('99100', '99000') THEN 'site hors de France'
       WHEN p.code_postal IS NULL THEN 'ni code commune ni code postal'
       ELSE coalesce(cp.motif, CASE WHEN cp.code_postal IS NULL THEN 'code postal inconnu du COG' END) END AS motif,
  p.code_commune IS NULL AND (p.code_pays IS NULL OR p.code_pays IN ('99100', '99000')) AND cp.commune IS NOT NULL AS par_code_postal
FROM ps p
LEFT JOIN ps_code_map m ON m.code_source = p.code_commune
-- An equality join only (a hash join): the postal code is used for rows without commune code, in the CASEs above.
LEFT JOIN ps_postal cp ON cp.code_postal = p.code_postal
WHERE in_scope(coalesce(m.commune, CASE WHEN p.code_commune IS NULL THEN cp.commune END, p.code_commune, p.code_postal, '99'));

-- name: target
-- Attributed rows, once more under their city for an arrondissement (a person in two arrondissements counts once in Paris).
-- A view: the two counts below read it once each, cheaper than writing it.
CREATE OR REPLACE TEMP VIEW ps_target AS
SELECT commune, id_pp, code_profession, libelle_profession, code_sf FROM ps_place WHERE commune IS NOT NULL
UNION ALL
SELECT plm.parent, id_pp, code_profession, libelle_profession, code_sf FROM ps_place JOIN ps_plm plm ON plm.code = ps_place.commune;

-- name: records
-- One pass over the attributed rows: each person once per commune and profession (the dedupe on
-- Identification nationale PP), with whether one of their rows there carries a généraliste savoir-faire,
-- or any savoir-faire; then the persons per commune and profession, and each commune's record as JSON
-- text (the document and the table: a row per profession, and for physicians one per savoir-faire group).
-- The label of each code is the file's, joined once the counts are made.
WITH person AS (
  SELECT commune, code_profession, id_pp, bool_or(code_sf IN ({{generalistes}})) AS generaliste, bool_or(code_sf IS NOT NULL) AS avec_sf
  FROM ps_target GROUP BY ALL
),
counts AS (
  SELECT commune, code_profession, count(*) AS nombre, count(*) FILTER (WHERE generaliste) AS generalistes,
    count(*) FILTER (WHERE NOT generaliste AND avec_sf) AS specialistes, count(*) FILTER (WHERE NOT avec_sf) AS non_renseigne
  FROM person GROUP BY ALL
),
labelled AS (
  SELECT c.*, l.libelle FROM counts c
  LEFT JOIN (SELECT code_profession, min(libelle_profession) AS libelle FROM ps GROUP BY ALL) l USING (code_profession)
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

-- name: accounting
SELECT count(*) FILTER (WHERE commune IS NOT NULL) AS attribuees, count(*) FILTER (WHERE par_code_postal) AS par_code_postal,
  (SELECT count(*) FROM ps) AS lues, count(*) AS dans_le_perimetre FROM ps_place;

-- name: rejected
SELECT motif, count(*) AS n FROM ps_place WHERE commune IS NULL GROUP BY motif ORDER BY motif;

-- name: cleanup
DROP TABLE IF EXISTS ps_place;
DROP VIEW IF EXISTS ps_target;
DROP TABLE IF EXISTS ps;

-- name: labels
-- The codes the counts rely on, with the file's own labels (checked in project.ts).
SELECT DISTINCT 'Libellé profession' AS colonne, 'Code profession' AS colonne_code, code_profession AS code, libelle_profession AS libelle FROM ps WHERE code_profession = {{medecin}}
UNION
SELECT DISTINCT 'Libellé savoir-faire', 'Code savoir-faire', code_sf, libelle_sf FROM ps WHERE code_profession = {{medecin}} AND code_sf IS NOT NULL
ORDER BY 1, 3, 4;
