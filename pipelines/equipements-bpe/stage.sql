-- BPE: one row per equipment (sources.md §4.4). `bpe` holds the staged columns
-- of the data file(s) under fixed names (framework/checked-stage.ts);
-- `bpe_typequ(code, libelle)` and `bpe_domaines(code, libelle)` are the
-- producer's nomenclature; `bpe_code_map` the re-keying of every COG code,
-- `commune_key` its key (framework/rekey-keys.ts), `bpe_plm` arrondissement → city.
-- Every record is built here as JSON text: a national file never becomes JS objects. Lists are sorted
-- with list_sort (structs compare field by field, first the type code): an aggregate's ORDER BY keeps
-- a buffer per group, which on 35,000 communes exceeds the memory limit.

-- name: keyed
-- Each row under its commune key, with its WGS84 position when the file gives LONGITUDE/LATITUDE,
-- else its LAMBERT_X/LAMBERT_Y and EPSG for the reprojection (source.ts).
-- `lot`: a département, or every set-aside row (`!`): the points are serialised by batches of them (`records`).
CREATE OR REPLACE TEMP TABLE bpe_keyed AS
SELECT *, CASE WHEN starts_with(cle, '!') THEN '!' ELSE left(cle, 2) END AS lot FROM (
SELECT commune_key(b.depcom, m.code_source IS NOT NULL, m.commune) AS cle, b.typequ, b.qualite_xy,
  b.longitude IS NOT NULL OR b.lambert_x IS NOT NULL AS avec_xy,
  CASE WHEN b.latitude IS NOT NULL THEN TRY_CAST(replace(b.longitude, ',', '.') AS DOUBLE) END AS lon,
  CASE WHEN b.longitude IS NOT NULL THEN TRY_CAST(replace(b.latitude, ',', '.') AS DOUBLE) END AS lat,
  CASE WHEN b.longitude IS NULL OR b.latitude IS NULL THEN TRY_CAST(replace(b.lambert_x, ',', '.') AS DOUBLE) END AS x,
  TRY_CAST(replace(b.lambert_y, ',', '.') AS DOUBLE) AS y, TRY_CAST(b.epsg AS INTEGER) AS epsg
FROM bpe b LEFT JOIN bpe_code_map m ON m.code_source = b.depcom)
-- Stored by batch, so that each batch's scan (`records`) reads only its row groups.
ORDER BY lot;

-- name: millesime
SELECT max(an) AS an FROM bpe;

-- name: lambert
-- Rows placed by their projected coordinates only (old layouts, some DOM rows): reprojected in JS, written to bpe_proj.
SELECT rowid AS id, x, y, epsg FROM bpe_keyed WHERE lon IS NULL AND x IS NOT NULL AND y IS NOT NULL AND epsg IS NOT NULL;

-- name: reprojected
UPDATE bpe_keyed SET lon = p.lon, lat = p.lat FROM bpe_proj p WHERE bpe_keyed.rowid = p.id;

-- name: communes
-- One row per commune key: `lignes` the file's rows under it (none for Paris, Lyon and Marseille, which
-- sum their arrondissements' rows, points included), the document and the table as JSON text.
CREATE OR REPLACE TEMP TABLE bpe_communes AS
WITH placed AS (
  SELECT cle, lot, typequ, avec_xy, true AS propre FROM bpe_keyed
  UNION ALL
  SELECT plm.parent, lot, typequ, avec_xy, false FROM bpe_keyed k JOIN bpe_plm plm ON plm.code = k.cle
),
types AS (
  SELECT t.cle, t.lot, t.typequ, left(t.typequ, 1) AS domaine, d.libelle AS libelle_domaine, l.libelle, t.nombre, t.geolocalises, t.lignes
  FROM (SELECT cle, lot, typequ, count(*) AS nombre, count(*) FILTER (WHERE avec_xy) AS geolocalises, count(*) FILTER (WHERE propre) AS lignes
        FROM placed GROUP BY cle, lot, typequ) t
  LEFT JOIN bpe_typequ l ON l.code = t.typequ LEFT JOIN bpe_domaines d ON d.code = left(t.typequ, 1)
),
domaines AS (
  SELECT cle, list_sort(list({'code': domaine, 'libelle': libelle_domaine, 'nombre': nombre, 'equipements': equipements})) AS domaines
  FROM (SELECT cle, domaine, any_value(libelle_domaine) AS libelle_domaine, sum(nombre)::BIGINT AS nombre,
          list_sort(list({'typequ': typequ, 'libelle': libelle, 'nombre': nombre})) AS equipements
        FROM types GROUP BY cle, domaine)
  GROUP BY cle
),
communes AS (
  SELECT cle, lot, sum(lignes)::BIGINT AS lignes, sum(nombre)::BIGINT AS total, sum(geolocalises)::BIGINT AS geolocalises, {{sante}} AS sante,
    list_sort(list({'domaine': domaine, 'libelleDomaine': libelle_domaine, 'typequ': typequ, 'libelle': libelle, 'nombre': nombre, 'geolocalises': geolocalises})) AS rows
  FROM types GROUP BY cle, lot
)
SELECT c.cle, c.lot, c.lignes, c.geolocalises,
  to_json({'total': c.total, 'geolocalises': c.geolocalises, 'sante': c.sante, 'domaines': d.domaines})::VARCHAR AS data,
  to_json(c.rows)::VARCHAR AS rows
FROM communes c JOIN domaines d USING (cle);

-- name: lots
-- Consecutive départements packed into batches of about 1,000 communes, in which the points are serialised
-- (`records`): each batch is a range of `lot`, so that its scan of bpe_keyed reads only its row groups.
SELECT min(lot) AS premier, max(lot) AS dernier FROM (
  SELECT lot, (sum(communes) OVER (ORDER BY lot) - communes) // 1000 AS lot_points
  FROM (SELECT lot, count(*) AS communes FROM bpe_communes GROUP BY lot))
GROUP BY lot_points ORDER BY premier;

-- name: records
-- The records of one batch (`lot` from {{premier}} to {{dernier}}) with their points. A batch at a time,
-- because the list of a commune's points is held in memory until the commune is complete: the national
-- file at once would not fit. Each feature is written as text (labels and flags JSON-quoted by to_json)
-- and the list sorted (by type, then position) for a stable record.
WITH placed AS (
  SELECT cle, typequ, qualite_xy, lon, lat FROM bpe_keyed WHERE lot BETWEEN {{premier}} AND {{dernier}}
  UNION ALL
  SELECT plm.parent, typequ, qualite_xy, lon, lat FROM bpe_keyed k JOIN bpe_plm plm ON plm.code = k.cle WHERE lot BETWEEN {{premier}} AND {{dernier}}
),
points AS (
  SELECT cle, '[' || array_to_string(list_sort(list(
    '{"type":"Feature","properties":{"typequ":' || to_json(p.typequ) || ',"libelle":' || coalesce(to_json(l.libelle), 'null')
    || ',"domaine":' || to_json(left(p.typequ, 1)) || ',"qualiteXY":' || coalesce(to_json(p.qualite_xy), 'null')
    || '},"geometry":{"type":"Point","coordinates":[' || round(lon, 6) || ',' || round(lat, 6) || ']}}')), ',') || ']' AS features
  FROM placed p LEFT JOIN bpe_typequ l ON l.code = p.typequ
  WHERE lon IS NOT NULL AND lat IS NOT NULL AND NOT starts_with(cle, '!') GROUP BY cle
)
SELECT c.cle, c.lignes, c.data, c.rows, coalesce(p.features, '[]') AS features
FROM bpe_communes c LEFT JOIN points p USING (cle) WHERE c.lot BETWEEN {{premier}} AND {{dernier}} ORDER BY c.cle;

-- name: cleanup
DROP TABLE IF EXISTS bpe_keyed;
DROP TABLE IF EXISTS bpe_communes;
DROP TABLE IF EXISTS bpe_proj;
DROP TABLE IF EXISTS bpe;
