-- The DuckDB scan of the BAN files (run by source.ts through framework/sql-script.ts).
-- {{ban_csv}}: read_csv over the run's files with the 23 declared columns, the
-- numeric ones typed (framework/ban-csv.ts): a value that does not convert stops
-- the scan with its line and column. in_scope(code): the run's département scope
-- (framework/scope-sql.ts). ban_code_map: the re-keying of every code the COG
-- knows (framework/rekey.ts), commune_key() its use in SQL (framework/rekey-keys.ts).

-- name: scan
-- One scan of the files into a table of partial counts under two grouping sets
-- per code_insee × commune déléguée: (voie, lieu-dit), as 64-bit hashes for the
-- distinct counts, and the attributes (postal code, certification, position
-- type, position source, voie-name source) for the counts and histograms. Two
-- hash tables per row instead of one per figure: on the national file 4.7 M +
-- 0.8 M groups (bench/ban-national.ts). Re-keying onto current communes,
-- distinct counts and lists then run on that table.
CREATE OR REPLACE TEMP TABLE ban_partiel AS
WITH src AS (
  SELECT s.code_insee, s.code_insee_ancienne_commune AS deleguee, s.type_position, s.source_position, s.source_nom_voie,
    s.code_postal, s.certification_commune, s.numero, s.x, s.y, s.lon, s.lat,
    hash(coalesce(s.id_fantoir, concat(s.code_insee, '/', s.code_insee_ancienne_commune, '/', lower(s.nom_voie)))) AS voie,
    CASE WHEN s.nom_ld IS NOT NULL THEN hash(s.nom_ld) END AS ld
  FROM {{ban_csv}} s
  WHERE in_scope(s.code_insee)
)
SELECT grouping(voie)::INTEGER AS attributs,
  code_insee, deleguee, voie, ld, code_postal, certification_commune, type_position, source_position, source_nom_voie,
  count(*)::BIGINT AS n,
  count(*) FILTER (WHERE lon IS NULL OR lat IS NULL)::BIGINT AS sans_position,
  count(*) FILTER (WHERE numero IS NULL)::BIGINT AS sans_numero,
  -- Referencing the typed columns makes the reader convert (and check) them.
  (count(numero) + count(x) + count(y))::BIGINT AS convertis
FROM src
GROUP BY GROUPING SETS (
  (code_insee, deleguee, voie, ld),
  (code_insee, deleguee, code_postal, certification_commune, type_position, source_position, source_nom_voie));

-- name: cles
-- The current commune of each code of the file (a few tens of thousands of rows), then joined to the partial
-- table; a code that cannot be attributed keeps a key saying why (commune_key: framework/rekey-keys.ts).
CREATE OR REPLACE TEMP TABLE ban_cles AS
SELECT c.code_insee, commune_key(c.code_insee, m.code_source IS NOT NULL, m.commune) AS cle
FROM (SELECT DISTINCT code_insee FROM ban_partiel) c LEFT JOIN ban_code_map m ON m.code_source = c.code_insee;

-- name: keyed
CREATE OR REPLACE TEMP VIEW ban_keyed AS
SELECT p.*, k.cle FROM ban_partiel p JOIN ban_cles k ON k.code_insee IS NOT DISTINCT FROM p.code_insee;

-- name: summary
-- niveau 1: the whole commune; 0: one commune déléguée (or none) inside it. The last column counts
-- certification_commune values other than 0 and 1 (empty included).
SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee,
  sum(n)::BIGINT AS adresses,
  coalesce(sum(n) FILTER (WHERE certification_commune = '1'), 0)::BIGINT AS certifiees,
  sum(sans_position)::BIGINT AS sans_position,
  sum(sans_numero)::BIGINT AS sans_numero,
  list(DISTINCT code_postal) FILTER (WHERE code_postal IS NOT NULL) AS codes_postaux,
  list(DISTINCT code_insee) FILTER (WHERE code_insee IS NOT NULL) AS codes_source,
  coalesce(sum(n) FILTER (WHERE certification_commune IS NULL OR certification_commune NOT IN ('0', '1')), 0)::BIGINT AS bad_certification_commune
FROM ban_keyed WHERE attributs = 1 GROUP BY GROUPING SETS ((cle), (cle, deleguee));

-- name: distinct
SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee, count(DISTINCT voie)::BIGINT AS voies, count(DISTINCT ld)::BIGINT AS lieux_dits
FROM ban_keyed WHERE attributs = 0 GROUP BY GROUPING SETS ((cle), (cle, deleguee));

-- name: histograms
-- One row per group, its three histograms packed in one string: one row per (group, value) took 1.8 s of the
-- 6.7 s aggregation of 2.5 M rows, mostly turning rows into JS objects.
WITH a AS (SELECT cle, deleguee, type_position, source_position, source_nom_voie, n FROM ban_keyed WHERE attributs = 1),
v AS (
  SELECT cle, deleguee, 'type' AS attribut, type_position AS val, n FROM a
  UNION ALL SELECT cle, deleguee, 'sourcePosition', source_position, n FROM a
  UNION ALL SELECT cle, deleguee, 'sourceVoie', source_nom_voie, n FROM a),
h AS (
  SELECT cle, grouping(deleguee)::INTEGER AS niveau, deleguee, attribut, coalesce(val, '') AS val, sum(n)::BIGINT AS n
  FROM v GROUP BY GROUPING SETS ((cle, attribut, val), (cle, deleguee, attribut, val)))
SELECT cle, niveau, deleguee, string_agg(concat_ws(chr(31), attribut, val, n), chr(30)) AS valeurs FROM h GROUP BY ALL;

-- name: cleanup
DROP VIEW IF EXISTS ban_keyed; DROP TABLE IF EXISTS ban_partiel; DROP TABLE IF EXISTS ban_cles;
