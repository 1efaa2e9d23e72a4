-- The Mélodi dictionary: labels of each variable's modalities (measures, statuses).
CREATE OR REPLACE TEMP TABLE etat_civil_metadata AS
SELECT * FROM read_csv({{file}}, header = true, auto_detect = false, delim = ';', quote = '"', escape = '"',
  columns = {'COD_VAR': 'VARCHAR', 'LIB_VAR': 'VARCHAR', 'COD_MOD': 'VARCHAR', 'LIB_MOD': 'VARCHAR'});

SELECT COD_VAR, COD_MOD, LIB_MOD FROM etat_civil_metadata WHERE COD_VAR IN ('EC_MEASURE', 'OBS_STATUS');
