-- One Mélodi état-civil file, every column declared as text: nothing is
-- sniffed, codes keep their zeros and `2A`, and an empty OBS_VALUE stays
-- distinguishable from 0. `$file` is the file's path.

-- name: data
CREATE OR REPLACE TEMP TABLE etat_civil_brut AS
SELECT * FROM read_csv($file, header = true, auto_detect = false, delim = ';', quote = '"', escape = '"',
  strict_mode = true, null_padding = false,
  columns = {'EC_MEASURE': 'VARCHAR', 'FREQ': 'VARCHAR', 'GEO': 'VARCHAR', 'GEO_OBJECT': 'VARCHAR',
             'OBS_STATUS': 'VARCHAR', 'TIME_PERIOD': 'VARCHAR', 'OBS_VALUE': 'VARCHAR'});

-- name: checks
-- Counts of what a check refuses; the first offending line is then found by a plain scan.
SELECT
  count(*) FILTER (WHERE EC_MEASURE NOT IN ('LVB', 'DTH')) AS mesure,
  count(*) FILTER (WHERE NOT regexp_full_match(coalesce(TIME_PERIOD, ''), '(19|20)[0-9]{2}')) AS annee,
  count(*) FILTER (WHERE coalesce(OBS_VALUE, '') <> '' AND TRY_CAST(OBS_VALUE AS BIGINT) IS NULL) AS valeur,
  count(*) FILTER (WHERE GEO_OBJECT NOT IN ('COM', 'ARM')) AS autres_niveaux
FROM etat_civil_brut;

-- name: rows
-- Communes and arrondissements municipaux only: the same code exists at other levels (2A004 is also a bassin de vie).
-- TRY_CAST: a refused value stops the run on the checks above, with its line, before these rows are used.
SELECT EC_MEASURE AS mesure, GEO AS code, OBS_STATUS AS statut, TRY_CAST(TIME_PERIOD AS INTEGER) AS annee,
  TRY_CAST(OBS_VALUE AS BIGINT) AS valeur
FROM etat_civil_brut WHERE GEO_OBJECT IN ('COM', 'ARM');

-- name: cleanup
DROP TABLE IF EXISTS etat_civil_brut;
DROP TABLE IF EXISTS etat_civil_metadata;

-- name: metadata
-- The Mélodi dictionary: labels of each variable's modalities (measures, statuses).
CREATE OR REPLACE TEMP TABLE etat_civil_metadata AS
SELECT * FROM read_csv($file, header = true, auto_detect = false, delim = ';', quote = '"', escape = '"',
  columns = {'COD_VAR': 'VARCHAR', 'LIB_VAR': 'VARCHAR', 'COD_MOD': 'VARCHAR', 'LIB_MOD': 'VARCHAR'});

-- name: labels
SELECT COD_VAR AS variable, COD_MOD AS code, LIB_MOD AS libelle FROM etat_civil_metadata WHERE COD_VAR IN ('EC_MEASURE', 'OBS_STATUS');
