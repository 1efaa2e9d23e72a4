-- Indice ATMO (sources-wave2 §3): one row per zone and day. `atmo` holds the
-- staged columns (rowid + 2 = line in the file); `atmo_code_map` re-keys
-- commune codes, `atmo_epci(siren, commune)` lists the member communes of each
-- EPCI of the COG, `in_scope(code)` the run's départements.

-- name: place
-- A commune row on itself; an EPCI row on each member commune (the producer published one index for them all).
CREATE OR REPLACE TEMP TABLE atmo_place AS
SELECT a.rowid AS ligne, {{date}} AS jour, TRY_CAST(a.code_qual AS INTEGER) AS code_qual, a.lib_qual, 'commune' AS zone, NULL::VARCHAR AS epci,
  m.commune, coalesce(m.motif, CASE WHEN m.code_source IS NULL THEN 'code commune inconnu du COG' END) AS motif,
  TRY_CAST(a.code_no2 AS INTEGER) AS no2, TRY_CAST(a.code_so2 AS INTEGER) AS so2, TRY_CAST(a.code_o3 AS INTEGER) AS o3,
  TRY_CAST(a.code_pm10 AS INTEGER) AS pm10, TRY_CAST(a.code_pm25 AS INTEGER) AS pm25
FROM atmo a LEFT JOIN atmo_code_map m ON m.code_source = lpad(a.code_zone, 5, '0')
WHERE lower(a.type_zone) = 'commune' AND in_scope(coalesce(m.commune, lpad(a.code_zone, 5, '0')))
UNION ALL
SELECT a.rowid AS ligne, {{date}}, TRY_CAST(a.code_qual AS INTEGER), a.lib_qual, 'EPCI', a.code_zone,
  e.commune, CASE WHEN e.commune IS NULL THEN 'EPCI inconnu du COG' END,
  TRY_CAST(a.code_no2 AS INTEGER), TRY_CAST(a.code_so2 AS INTEGER), TRY_CAST(a.code_o3 AS INTEGER),
  TRY_CAST(a.code_pm10 AS INTEGER), TRY_CAST(a.code_pm25 AS INTEGER)
FROM atmo a LEFT JOIN atmo_epci e ON e.siren = a.code_zone
WHERE lower(a.type_zone) = 'epci' AND (e.commune IS NULL OR in_scope(e.commune));

-- name: accounting
SELECT (SELECT count(*) FROM atmo) AS lues, count(DISTINCT ligne) AS dans_le_perimetre,
  count(DISTINCT ligne) FILTER (WHERE commune IS NOT NULL) AS attribuees,
  count(DISTINCT ligne) FILTER (WHERE zone = 'EPCI' AND commune IS NOT NULL) AS par_epci,
  strftime(max(jour), '%Y-%m-%d') AS dernier_jour FROM atmo_place;

-- name: rejected
SELECT motif, count(DISTINCT ligne) AS n FROM atmo_place WHERE commune IS NULL GROUP BY motif ORDER BY motif;

-- name: days
-- One index per commune and day of the year: the commune's own when published, else its EPCI's.
CREATE OR REPLACE TEMP TABLE atmo_days AS
SELECT * FROM atmo_place WHERE commune IS NOT NULL AND year(jour) = $annee
QUALIFY row_number() OVER (PARTITION BY commune, jour ORDER BY zone = 'commune' DESC, ligne) = 1;

-- name: classes
SELECT commune, code_qual, min(lib_qual) AS libelle, count(*) AS jours FROM atmo_days GROUP BY ALL ORDER BY commune, code_qual;

-- name: pollutants
-- The pollutant(s) whose sub-index equals the day's index (1 to 6): the one that set the day's class.
SELECT commune, polluant, count(*) AS jours FROM (
  UNPIVOT (SELECT commune, jour, code_qual, no2, so2, o3, pm10, pm25 FROM atmo_days WHERE code_qual BETWEEN 1 AND 6)
  ON no2, so2, o3, pm10, pm25 INTO NAME polluant VALUE sous_indice
) WHERE sous_indice = code_qual GROUP BY ALL ORDER BY commune, polluant;

-- name: zones
SELECT commune, count(*) FILTER (WHERE zone = 'EPCI') AS jours_epci, min(epci) AS epci, count(*) AS jours FROM atmo_days GROUP BY commune ORDER BY commune;

-- name: cleanup
DROP TABLE IF EXISTS atmo_place;
DROP TABLE IF EXISTS atmo_days;
DROP TABLE IF EXISTS atmo;
