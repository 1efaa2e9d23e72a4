-- BPE: one row per equipment (sources.md §4.4). `bpe` holds the staged columns
-- of the data file(s) under fixed names; `bpe_typequ(code, libelle, domaine)`
-- is the producer's nomenclature; `bpe_code_map` the re-keying of every COG
-- code, `in_scope(code)` the run's départements (framework/scope-sql.ts).

-- name: place
-- Each row's target commune once: codes the COG does not know keep a NULL commune and no motif.
CREATE OR REPLACE TEMP TABLE bpe_place AS
SELECT b.*, m.commune, coalesce(m.motif, CASE WHEN m.code_source IS NULL THEN 'code commune inconnu du COG' END) AS motif
FROM bpe b LEFT JOIN bpe_code_map m ON m.code_source = b.depcom
WHERE in_scope(coalesce(m.commune, b.depcom));

-- name: counts
-- Per commune and type: equipments and those with coordinates.
SELECT commune, typequ, count(*) AS nombre,
  count(*) FILTER (WHERE longitude IS NOT NULL OR lambert_x IS NOT NULL) AS geolocalises
FROM bpe_place WHERE commune IS NOT NULL GROUP BY ALL ORDER BY commune, typequ;

-- name: rejected
SELECT motif, count(*) AS n FROM bpe_place WHERE commune IS NULL GROUP BY motif ORDER BY motif;

-- name: outside
SELECT (SELECT count(*) FROM bpe) - (SELECT count(*) FROM bpe_place) AS n;

-- name: millesime
SELECT max(an) AS an FROM bpe;

-- name: points
-- Streamed by project.ts in this order: a PLM parent's arrondissements one after the other.
SELECT commune, typequ, qualite_xy, TRY_CAST(longitude AS DOUBLE) AS longitude, TRY_CAST(latitude AS DOUBLE) AS latitude,
  TRY_CAST(lambert_x AS DOUBLE) AS lambert_x, TRY_CAST(lambert_y AS DOUBLE) AS lambert_y, TRY_CAST(epsg AS INTEGER) AS epsg
FROM bpe_place p LEFT JOIN bpe_plm ON bpe_plm.code = p.commune
WHERE commune IS NOT NULL AND (longitude IS NOT NULL OR lambert_x IS NOT NULL)
ORDER BY coalesce(bpe_plm.parent, commune), commune, typequ;

-- name: cleanup
DROP TABLE IF EXISTS bpe_place;
DROP TABLE IF EXISTS bpe;
