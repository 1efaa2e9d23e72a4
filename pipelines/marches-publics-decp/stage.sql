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
-- No DISTINCT aggregate (each keeps a hash table of its own per group): min <> max, list_distinct.
CREATE OR REPLACE TEMP TABLE decp_marches AS
SELECT uid, any_value(id) AS id, any_value(nature) AS nature, any_value(acheteur_id) AS acheteurId, any_value(acheteur_nom) AS acheteurNom,
  any_value(acheteur_categorie) AS acheteurCategorie, any_value(objet) AS objet, max(TRY_CAST(montant_texte AS DOUBLE)) AS montant,
  min(montant_texte) <> max(montant_texte) AS montantsDivergents, any_value(codeCPV) AS codeCPV, any_value(procedure) AS procedure,
  min(left(dateNotification, 10)) AS dateNotification, any_value(lieu_code) AS lieuExecutionCode, any_value(lieu_type) AS lieuExecutionTypeCode,
  list_sort(list_distinct(list({'id': titulaire_id, 'nom': titulaire_nom}) FILTER (WHERE titulaire_id IS NOT NULL OR titulaire_nom IS NOT NULL))) AS titulaires
FROM decp_lignes WHERE actuelles_texte IS DISTINCT FROM 'false'
GROUP BY uid;

-- name: counts
SELECT (SELECT count(*) FROM decp_lignes) AS lignes,
  (SELECT count(*) FROM decp_lignes WHERE actuelles_texte = 'false') AS lignes_non_actuelles,
  (SELECT count(*) FROM decp_lignes WHERE coalesce(actuelles_texte, '') = '') AS lignes_sans_indicateur,
  (SELECT count(*) FROM decp_marches) AS marches,
  (SELECT count(*) FROM decp_marches WHERE montantsDivergents) AS montants_divergents;

-- name: links
-- A contract passed by a commune (its SIREN, and the category Commune when the file gives one), and a contract whose
-- lieu d'exécution is a commune code, under the commune's key (commune_key: rekey-keys.ts). `ord` is the contract's
-- place in the commune's list (passed first, then by date and uid): the order of first appearance that breaks ties.
CREATE OR REPLACE TEMP MACRO json_number(x) AS CASE WHEN x = trunc(x) AND abs(x) < 1e15 THEN to_json(CAST(x AS BIGINT)) ELSE to_json(x) END;
CREATE OR REPLACE TEMP TABLE decp_liens AS
WITH links AS (
  SELECT s.code AS cle, 'passé par la commune' AS relation, m.* FROM decp_marches m
  JOIN cog_communes s ON s.siren = left(m.acheteurId, 9) WHERE coalesce(m.acheteurCategorie, 'Commune') = 'Commune'
  UNION ALL
  SELECT commune_key(m.lieuExecutionCode, c.code_source IS NOT NULL, c.commune), 'exécuté dans la commune', m.* FROM decp_marches m
  LEFT JOIN code_map c ON c.code_source = m.lieuExecutionCode WHERE lower(trim(m.lieuExecutionTypeCode)) = 'code commune')
SELECT * EXCLUDE (montantsDivergents), row_number() OVER (PARTITION BY cle ORDER BY relation DESC, dateNotification, uid) AS ord,
  NULLIF(left(dateNotification, 4), '') AS annee, NULLIF(nature, '') AS natureCle, NULLIF(left(codeCPV, 2), '') AS division
FROM links;

-- name: data
-- One commune's figures as JSON text (sql-record-lists.ts): for the contracts it passed and those executed in it,
-- the count, the amount (rounded to the cent; unknown amounts counted apart) and the same per year; for those it
-- passed, per nature (by amount), per CPV division and its ten main titulaires (by contracts, then amount; a
-- co-contractor is credited with the whole contract). Lists are sorted with list_sort on a leading key (`k`): an
-- aggregate with ORDER BY keeps a buffer per group. Amounts are written as JSON numbers the way JS writes them.
WITH tallies AS (
  SELECT cle, relation, annee, natureCle, division, GROUPING(annee, natureCle, division) AS ensemble, count(*) AS marches,
    round(coalesce(sum(montant), 0), 2) AS montant, count(*) FILTER (WHERE montant IS NULL) AS montantsInconnus, min(ord) AS premier
  FROM decp_liens GROUP BY GROUPING SETS ((cle, relation), (cle, relation, annee), (cle, relation, natureCle), (cle, relation, division))),
figures AS (
  SELECT cle, relation,
    any_value({marches: marches, montant: json_number(montant), montantsInconnus: montantsInconnus}) FILTER (WHERE ensemble = 7) AS total,
    list_sort(list({annee: annee, marches: marches, montant: json_number(montant), montantsInconnus: montantsInconnus}) FILTER (WHERE ensemble = 3)) AS parAnnee,
    list_transform(list_sort(list({k: {montant: -montant, premier: premier}, v: {nature: natureCle, marches: marches, montant: json_number(montant), montantsInconnus: montantsInconnus}})
      FILTER (WHERE ensemble = 5)), (x) -> x.v) AS parNature,
    list_sort(list({division: division, marches: marches, montant: json_number(montant), montantsInconnus: montantsInconnus}) FILTER (WHERE ensemble = 6)) AS parDivisionCpv
  FROM tallies GROUP BY cle, relation),
titulaires AS (
  SELECT cle, list_transform(list_sort(list({k: {marches: -marches, montant: -montant, premier: premier},
      v: {id: id, nom: nom, marches: marches, montant: json_number(montant)}}))[1:10], (x) -> x.v) AS principauxTitulaires
  FROM (
    SELECT cle, coalesce(t.id, 'nom:' || t.nom) AS titulaire, any_value(t.id) AS id, arg_min(t.nom, rang) FILTER (WHERE t.nom IS NOT NULL) AS nom,
      count(*) AS marches, round(sum(coalesce(montant, 0)), 2) AS montant, min(rang) AS premier
    FROM (SELECT cle, montant, unnest(titulaires) AS t, ord * 100000 + generate_subscripts(titulaires, 1) AS rang FROM decp_liens WHERE relation = 'passé par la commune')
    GROUP BY cle, titulaire)
  GROUP BY cle),
communes AS (SELECT cle, count(*) AS lignes FROM decp_liens GROUP BY cle)
SELECT c.cle, c.lignes,
  to_json({siren: g.siren,
    passes: CASE WHEN p.total IS NOT NULL THEN {marches: p.total.marches, montant: p.total.montant, montantsInconnus: p.total.montantsInconnus,
      parAnnee: p.parAnnee, parNature: p.parNature, parDivisionCpv: p.parDivisionCpv, principauxTitulaires: coalesce(t.principauxTitulaires, [])} END,
    executes: CASE WHEN e.total IS NOT NULL THEN {marches: e.total.marches, montant: e.total.montant, montantsInconnus: e.total.montantsInconnus,
      parAnnee: e.parAnnee} END})::VARCHAR AS data
FROM communes c
LEFT JOIN figures p ON p.cle = c.cle AND p.relation = 'passé par la commune'
LEFT JOIN figures e ON e.cle = c.cle AND e.relation = 'exécuté dans la commune'
LEFT JOIN titulaires t ON t.cle = c.cle
LEFT JOIN cog_communes g ON g.code = c.cle
ORDER BY c.cle;

-- name: rows
-- The list, one commune after another, each contract as JSON text in the order of the declared fields.
SELECT cle, to_json({relation: relation, annee: left(dateNotification, 4), nature: nature, nombre: 1, montant: json_number(montant), uid: uid, id: id,
    objet: objet, codeCPV: codeCPV, divisionCPV: left(codeCPV, 2), procedure: procedure, dateNotification: dateNotification,
    acheteurId: acheteurId, acheteurNom: acheteurNom, titulaires: NULLIF(array_to_string(list_transform(titulaires, (t) -> coalesce(t.id, '')), ' | '), ''),
    titulairesNoms: NULLIF(array_to_string(list_transform(titulaires, (t) -> coalesce(t.nom, '')), ' | '), ''),
    lieuExecutionCode: lieuExecutionCode, lieuExecutionTypeCode: lieuExecutionTypeCode})::VARCHAR AS ligne
FROM decp_liens WHERE NOT starts_with(cle, '!')
ORDER BY cle, ord;

-- name: unlinked
SELECT count(*) FROM decp_marches m
WHERE NOT (lower(trim(coalesce(lieuExecutionTypeCode, ''))) = 'code commune'
  OR (coalesce(acheteurCategorie, 'Commune') = 'Commune' AND left(acheteurId, 9) IN (SELECT siren FROM cog_communes WHERE siren IS NOT NULL)));

-- name: cleanup
DROP TABLE IF EXISTS decp_lignes;
DROP TABLE IF EXISTS decp_marches;
DROP TABLE IF EXISTS decp_liens;
DROP TABLE IF EXISTS cog_communes;
