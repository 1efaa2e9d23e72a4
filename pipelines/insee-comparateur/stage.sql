-- INSEE comparateur, staged by the framework (pipelines/framework/staged-csv.ts) as
-- VARCHAR columns c0…cN in file order; rowid + 2 is the line in the file.
-- Placeholders: {{table}} the staged table, {{code}} the CODGEO column,
-- {{values}} one numeric expression per bound indicator (numeric).

-- name: rows
SELECT rowid, {{code}}, {{values}} FROM {{table}} ORDER BY rowid

-- name: dictionary
-- meta_…CSV: COD_VAR, LIB_VAR, LIB_VAR_LONG, COD_MOD, LIB_MOD, TYPE_VAR, LONG_VAR.
-- One row per variable; rows with a modality (COD_MOD) only list commune names.
SELECT trim(c0), c1, c2, c5, c6 FROM {{table}}
WHERE coalesce(c3, '') = '' AND coalesce(trim(c0), '') <> ''
ORDER BY rowid
