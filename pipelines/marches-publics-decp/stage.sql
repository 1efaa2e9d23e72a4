-- DECP (données essentielles de la commande publique) staged as one row per
-- contract × titulaire × modification, whatever the file: the consolidated
-- table of decp.info (decp.csv, every column read as text; decp.parquet, cast
-- to text so identifiers keep their zeros), or the legacy consolidated JSON
-- (`{"marches":[…]}`). Contracts are then the current rows de-duplicated on
-- `uid`, and placed on communes: passed by a commune (its SIREN, category
-- Commune), executed in a commune (lieu d'exécution typed as a commune code).

-- name: create
CREATE OR REPLACE TEMP TABLE decp_lignes (
  uid VARCHAR, id VARCHAR, nature VARCHAR, acheteur_id VARCHAR, acheteur_nom VARCHAR, acheteur_categorie VARCHAR,
  titulaire_id VARCHAR, titulaire_nom VARCHAR, objet VARCHAR, montant_texte VARCHAR, codeCPV VARCHAR, procedure VARCHAR,
  dateNotification VARCHAR, lieu_code VARCHAR, lieu_type VARCHAR, actuelles_texte VARCHAR);

-- name: insert_tabular
-- {{read}}: read_csv with every column of the header declared VARCHAR, or read_parquet. Integers written by the
-- producer's tools lose leading zeros: a 13-digit SIRET and a 4-digit commune code get theirs back.
INSERT INTO decp_lignes
SELECT CAST(uid AS VARCHAR), CAST(id AS VARCHAR), nature,
  CASE WHEN regexp_full_match(CAST(acheteur_id AS VARCHAR), '[0-9]{13}') THEN lpad(CAST(acheteur_id AS VARCHAR), 14, '0') ELSE CAST(acheteur_id AS VARCHAR) END,
  acheteur_nom, acheteur_categorie, CAST(titulaire_id AS VARCHAR), titulaire_nom, objet, CAST(montant AS VARCHAR), CAST(codeCPV AS VARCHAR), procedure,
  CAST(dateNotification AS VARCHAR),
  CASE WHEN regexp_full_match(CAST(lieuExecution_code AS VARCHAR), '[0-9]{4}') THEN lpad(CAST(lieuExecution_code AS VARCHAR), 5, '0') ELSE CAST(lieuExecution_code AS VARCHAR) END,
  lieuExecution_typeCode, lower(CAST(donneesActuelles AS VARCHAR))
FROM {{read}};

-- name: insert_json
-- The legacy JSON: `acheteur.id` flat or nested, titulaires `{id…}` or `{"titulaire": {id…}}`, no uid (decp-processing's
-- uid is acheteur id + contract id), the amount of the last modification that carries one; a contract without titulaire keeps one row.
INSERT INTO decp_lignes
-- The whole file is one JSON object: {{max_object}} is the file's size (DuckDB allocates its read buffer from it).
WITH marches AS (SELECT unnest(marches) AS m FROM read_json($file, columns = {'marches': 'JSON[]'}, maximum_object_size = {{max_object}})),
fields AS (
  SELECT m, coalesce(m->>'$."acheteur.id"', m->>'$.acheteur.id') AS acheteur,
    json_extract(m, '$.titulaires[*]') AS titulaires, json_extract_string(m, '$.modifications[*].montant') AS montants
  FROM marches)
SELECT coalesce(m->>'$.uid', acheteur || (m->>'$.id')), m->>'$.id', m->>'$.nature', acheteur, m->>'$.acheteur.nom', NULL,
  coalesce(t->>'$.id', t->>'$.titulaire.id'), coalesce(t->>'$.denominationSociale', t->>'$.titulaire.denominationSociale'),
  m->>'$.objet', coalesce(list_filter(montants, (x) -> x IS NOT NULL)[-1], m->>'$.montant'), m->>'$.codeCPV', m->>'$.procedure',
  m->>'$.dateNotification', m->>'$.lieuExecution.code', m->>'$.lieuExecution.typeCode', 'true'
FROM fields, unnest(CASE WHEN len(titulaires) = 0 THEN [NULL::JSON] ELSE titulaires END) AS u(t);

-- name: checks
-- Counts of values that break the declared formats; the first offending line is then found by a plain scan.
SELECT
  count(*) FILTER (WHERE coalesce(uid, '') = '') AS uid,
  count(*) FILTER (WHERE coalesce(montant_texte, '') <> '' AND TRY_CAST(montant_texte AS DOUBLE) IS NULL) AS montant,
  count(*) FILTER (WHERE coalesce(dateNotification, '') <> '' AND TRY_CAST(left(dateNotification, 10) AS DATE) IS NULL) AS dateNotification,
  count(*) FILTER (WHERE coalesce(actuelles_texte, '') NOT IN ('', 'true', 'false')) AS donneesActuelles
FROM decp_lignes;

-- name: contracts
-- Current rows only (a row marked false is a superseded version; unflagged rows are kept), one contract per uid.
CREATE OR REPLACE TEMP TABLE decp_marches AS
SELECT uid, any_value(id) AS id, any_value(nature) AS nature, any_value(acheteur_id) AS acheteurId, any_value(acheteur_nom) AS acheteurNom,
  any_value(acheteur_categorie) AS acheteurCategorie, any_value(objet) AS objet, max(TRY_CAST(montant_texte AS DOUBLE)) AS montant,
  count(DISTINCT montant_texte) > 1 AS montantsDivergents, any_value(codeCPV) AS codeCPV, any_value(procedure) AS procedure,
  min(left(dateNotification, 10)) AS dateNotification, any_value(lieu_code) AS lieuExecutionCode, any_value(lieu_type) AS lieuExecutionTypeCode,
  list_sort(list(DISTINCT {'id': titulaire_id, 'nom': titulaire_nom}) FILTER (WHERE titulaire_id IS NOT NULL OR titulaire_nom IS NOT NULL)) AS titulaires
FROM decp_lignes WHERE actuelles_texte IS DISTINCT FROM 'false'
GROUP BY uid;

-- name: counts
SELECT (SELECT count(*) FROM decp_lignes) AS lignes,
  (SELECT count(*) FROM decp_lignes WHERE actuelles_texte = 'false') AS lignes_non_actuelles,
  (SELECT count(*) FROM decp_lignes WHERE coalesce(actuelles_texte, '') = '') AS lignes_sans_indicateur,
  (SELECT count(*) FROM decp_marches) AS marches,
  (SELECT count(*) FROM decp_marches WHERE montantsDivergents) AS montants_divergents;

-- name: rows
-- A contract passed by a commune (its SIREN, and the category Commune when the file gives one), and a contract whose
-- lieu d'exécution is a commune code, one commune after another (commune_key: rekey-keys.ts).
WITH links AS (
  SELECT s.commune AS cle, 'passé par la commune' AS relation, m.* FROM decp_marches m
  JOIN commune_siren s ON s.siren = left(m.acheteurId, 9) WHERE coalesce(m.acheteurCategorie, 'Commune') = 'Commune'
  UNION ALL
  SELECT commune_key(m.lieuExecutionCode, c.code_source IS NOT NULL, c.commune), 'exécuté dans la commune', m.* FROM decp_marches m
  LEFT JOIN code_map c ON c.code_source = m.lieuExecutionCode WHERE lower(trim(m.lieuExecutionTypeCode)) = 'code commune')
SELECT cle, to_json(l) AS marche FROM (SELECT * EXCLUDE (montantsDivergents) FROM links) l ORDER BY cle, l.relation DESC, l.dateNotification, l.uid;

-- name: unlinked
SELECT count(*) FROM decp_marches m
WHERE NOT (lower(trim(coalesce(lieuExecutionTypeCode, ''))) = 'code commune'
  OR (coalesce(acheteurCategorie, 'Commune') = 'Commune' AND left(acheteurId, 9) IN (SELECT siren FROM commune_siren)));

-- name: cleanup
DROP TABLE IF EXISTS decp_lignes;
DROP TABLE IF EXISTS decp_marches;
DROP TABLE IF EXISTS commune_siren;
