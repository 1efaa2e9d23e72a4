-- RNE file staged by the framework (staged-csv.ts) as VARCHAR columns c0…cN, header checked in source.ts.
-- Columns shared by the maires and conseillers municipaux files: c4 code de la commune, c6 nom, c7 prénom,
-- c8 code sexe, c9 date de naissance, c10/c11 catégorie socio-professionnelle, c12 début du mandat; then
-- maires: c13 début de la fonction; conseillers: c13 libellé de la fonction, c14 début de la fonction.
-- Dates are ISO or DD/MM/YYYY (both seen), normalised to ISO here.

-- name: rows
SELECT trim(c4) AS code, trim(c6) AS nom, trim(c7) AS prenom, trim(c8) AS sexe,
  iso_date(c9) AS naissance, nullif(trim(c10), '') AS csp_code, nullif(trim(c11), '') AS csp_libelle,
  iso_date(c12) AS debut_mandat, {{fonction}} AS fonction, iso_date({{debut_fonction}}) AS debut_fonction
FROM {{table}} ORDER BY rowid;

-- name: macro
CREATE OR REPLACE TEMP MACRO iso_date(v) AS CASE
  WHEN regexp_full_match(trim(v), '[0-9]{4}-[0-9]{2}-[0-9]{2}') THEN trim(v)
  WHEN regexp_full_match(trim(v), '[0-9]{2}/[0-9]{2}/[0-9]{4}') THEN substr(trim(v), 7, 4) || '-' || substr(trim(v), 4, 2) || '-' || substr(trim(v), 1, 2)
  END;

-- name: presidents
-- The conseillers communautaires file (columns bound by name in source.ts): each EPCI's président, with the
-- file's line (rowid + 2) to name a second one.
SELECT trim({{siren}}) AS siren, trim({{nom}}) AS nom, trim({{prenom}}) AS prenom, trim({{sexe}}) AS sexe,
  iso_date({{debutFonction}}) AS debut_fonction, (rowid + 2)::INTEGER AS ligne
FROM {{table}} WHERE lower(trim({{fonction}})) = '{{president}}' ORDER BY rowid;
