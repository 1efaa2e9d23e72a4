-- BPE: one row per equipment (sources.md §4.4). `bpe` holds the staged columns
-- of the data file(s) under fixed names (framework/checked-stage.ts);
-- `bpe_typequ(code, libelle)` is the producer's nomenclature (the check of TYPEQU); `bpe_code_map` the re-keying of every COG code,
-- `commune_key` its key (framework/rekey-keys.ts), `bpe_plm` arrondissement → city.
-- Every record is built here as JSON text: a national file never becomes JS objects. Lists are sorted
-- with list_sort (structs compare field by field, first the type code): an aggregate's ORDER BY keeps
-- a buffer per group, which on 35,000 communes exceeds the memory limit.

-- name: keyed
-- Each row under its commune key, with its WGS84 position as the producer wrote it (`lon`, `lat`: the file's
-- LONGITUDE/LATITUDE text, its precision, decimal point; checked as JSON numbers by source.ts), else its
-- LAMBERT_X/LAMBERT_Y and EPSG for the reprojection (source.ts).
-- `lot`: a département, or every set-aside row (`!`): the points are serialised by batches of them (`records`).
CREATE OR REPLACE TEMP TABLE bpe_keyed AS
SELECT *, CASE WHEN starts_with(cle, '!') THEN '!' ELSE left(cle, 2) END AS lot FROM (
SELECT commune_key(b.depcom, m.code_source IS NOT NULL, m.commune) AS cle, b.typequ, b.qualite_xy,
  b.longitude IS NOT NULL OR b.lambert_x IS NOT NULL AS avec_xy,
  CASE WHEN b.latitude IS NOT NULL THEN replace(b.longitude, ',', '.') END AS lon,
  CASE WHEN b.longitude IS NOT NULL THEN replace(b.latitude, ',', '.') END AS lat,
  CASE WHEN b.longitude IS NULL OR b.latitude IS NULL THEN TRY_CAST(replace(b.lambert_x, ',', '.') AS DOUBLE) END AS x,
  CASE WHEN b.longitude IS NULL OR b.latitude IS NULL THEN TRY_CAST(replace(b.lambert_y, ',', '.') AS DOUBLE) END AS y,
  TRY_CAST(b.epsg AS INTEGER) AS epsg
FROM bpe b LEFT JOIN bpe_code_map m ON m.code_source = b.depcom)
-- Stored by batch, so that each batch's scan (`records`) reads only its row groups.
ORDER BY lot;

-- name: millesime
SELECT max(an) AS an FROM bpe;

-- name: lambert
-- Rows placed by their projected coordinates only (old layouts, some DOM rows): reprojected in JS, written to bpe_proj.
SELECT rowid AS id, x, y, epsg FROM bpe_keyed WHERE lon IS NULL AND x IS NOT NULL AND y IS NOT NULL AND epsg IS NOT NULL;

-- name: reprojected
-- Lambert coordinates are published to the metre or finer: 6 decimals of a degree (~0.1 m) keep them.
UPDATE bpe_keyed SET lon = round(p.lon, 6)::VARCHAR, lat = round(p.lat, 6)::VARCHAR FROM bpe_proj p WHERE bpe_keyed.rowid = p.id;

-- name: communes
-- One row per commune key: `lignes` the file's rows under it (none for Paris, Lyon and Marseille, which
-- sum their arrondissements' rows, points included), the document and the table as JSON text. Codes only:
-- the labels of types and domains, the same for every commune, are the nomenclature's, once in the load's
-- metadata and Table Schema (source.ts).
CREATE OR REPLACE TEMP TABLE bpe_communes AS
WITH placed AS (
  SELECT cle, lot, typequ, avec_xy, true AS propre FROM bpe_keyed
  UNION ALL
  SELECT plm.parent, lot, typequ, avec_xy, false FROM bpe_keyed k JOIN bpe_plm plm ON plm.code = k.cle
),
types AS (
  SELECT cle, lot, typequ, left(typequ, 1) AS domaine, count(*)::BIGINT AS nombre, count(*) FILTER (WHERE avec_xy)::BIGINT AS geolocalises,
    count(*) FILTER (WHERE propre) AS lignes
  FROM placed GROUP BY cle, lot, typequ
),
domaines AS (
  SELECT cle, list_sort(list({'code': domaine, 'nombre': nombre, 'equipements': equipements})) AS domaines
  FROM (SELECT cle, domaine, sum(nombre)::BIGINT AS nombre, list_sort(list({'typequ': typequ, 'nombre': nombre})) AS equipements
        FROM types GROUP BY cle, domaine)
  GROUP BY cle
),
communes AS (
  SELECT cle, lot, sum(lignes)::BIGINT AS lignes, sum(nombre)::BIGINT AS total, sum(geolocalises)::BIGINT AS geolocalises, {{sante}} AS sante,
    list_sort(list({'domaine': domaine, 'typequ': typequ, 'nombre': nombre, 'geolocalises': geolocalises})) AS rows
  FROM types GROUP BY cle, lot
)
SELECT c.cle, c.lot, c.lignes, c.geolocalises,
  to_json({'total': c.total, 'geolocalises': c.geolocalises, 'sante': c.sante, 'domaines': d.domaines})::VARCHAR AS data,
  to_json(c.rows)::VARCHAR AS rows
FROM communes c JOIN domaines d USING (cle)
-- Stored by batch: each batch's records (`records`) read only their row groups of this table too.
ORDER BY c.lot, c.cle;

-- name: lots
-- Consecutive départements packed into batches of about 250,000 points, in which the points are serialised
-- (`records`): a dozen batches nationally, each a range of `lot` that reads only its row groups of bpe_keyed,
-- each small enough for the lists of its communes' points to stay well within DuckDB's memory limit.
SELECT min(lot) AS premier, max(lot) AS dernier FROM (
  SELECT lot, (sum(points) OVER (ORDER BY lot) - points) // 250000 AS lot_points
  FROM (SELECT lot, sum(geolocalises) AS points FROM bpe_communes GROUP BY lot))
GROUP BY lot_points ORDER BY premier;

-- name: records
-- The records of one batch (`lot` from {{premier}} to {{dernier}}) with their points. A batch at a time,
-- because the list of a commune's points is held in memory until the commune is complete: the national
-- file at once would not fit. A feature carries only what is the point's own: its type code (label and
-- domain are the nomenclature's, once in the load's metadata) and QUALITE_XY, and the producer's coordinates
-- as written; one concat per feature, the list sorted (by type, then quality and position) for a stable record.
WITH placed AS (
  SELECT cle, typequ, qualite_xy, lon, lat FROM bpe_keyed WHERE lot BETWEEN {{premier}} AND {{dernier}}
  UNION ALL
  SELECT plm.parent, typequ, qualite_xy, lon, lat FROM bpe_keyed k JOIN bpe_plm plm ON plm.code = k.cle WHERE lot BETWEEN {{premier}} AND {{dernier}}
),
points AS (
  SELECT cle, '[' || array_to_string(list_sort(list(concat('{"type":"Feature","properties":{"typequ":', to_json(typequ),
    ',"qualiteXY":', coalesce(to_json(qualite_xy), 'null'), '},"geometry":{"type":"Point","coordinates":[', lon, ',', lat, ']}}'))), ',') || ']' AS features
  FROM placed WHERE lon IS NOT NULL AND lat IS NOT NULL AND NOT starts_with(cle, '!') GROUP BY cle
)
SELECT c.cle, c.lignes, c.data, c.rows, coalesce(p.features, '[]') AS features
FROM bpe_communes c LEFT JOIN points p USING (cle) WHERE c.lot BETWEEN {{premier}} AND {{dernier}} ORDER BY c.cle;

-- name: cleanup
DROP TABLE IF EXISTS bpe_keyed;
DROP TABLE IF EXISTS bpe_communes;
DROP TABLE IF EXISTS bpe_proj;
DROP TABLE IF EXISTS bpe;
