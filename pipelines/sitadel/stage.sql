-- The four Sitadel lists staged into one table of permits. Each file is read
-- past its two header lines (labels, then codes: the codes line is checked in
-- Node first), every column declared: text stays text (codes keep their
-- zeros), numbers and dates are typed so that a value that does not convert
-- stops the run with its line and column. `{{columns}}` is the file's declared
-- layout; the `{{…}}` of a column a list does not have are NULL.

-- name: create
CREATE OR REPLACE TEMP TABLE sitadel_permis (
  fichier VARCHAR, liste VARCHAR, codeCommuneSource VARCHAR, typeAutorisation VARCHAR, numero VARCHAR, etatCode UTINYINT,
  annee VARCHAR, dateAutorisation VARCHAR, dateOuvertureChantier VARCHAR, dateAchevementTravaux VARCHAR, anneeDepot VARCHAR,
  demandeur VARCHAR, sirenDemandeur VARCHAR, siretDemandeur VARCHAR, codePostalDemandeur VARCHAR, localiteDemandeur VARCHAR,
  adresseNumero VARCHAR, adresseTypeVoie VARCHAR, adresseVoie VARCHAR, adresseLieuDit VARCHAR, adresseLocalite VARCHAR, adresseCodePostal VARCHAR,
  sectionCadastrale1 VARCHAR, parcelleCadastrale1 VARCHAR, sectionCadastrale2 VARCHAR, parcelleCadastrale2 VARCHAR,
  sectionCadastrale3 VARCHAR, parcelleCadastrale3 VARCHAR, superficieTerrain INTEGER,
  logementsCrees INTEGER, logementsIndividuels INTEGER, logementsCollectifsHorsResidence INTEGER, logementsEnResidence INTEGER,
  surfaceHabitationCreee INTEGER, surfaceLocauxCreee INTEGER, doubleEncode BOOLEAN);

-- name: insert
-- The applicant's postcode and locality are published for every applicant: kept only for a legal entity (SIREN or name given).
INSERT INTO sitadel_permis
SELECT $file, $liste, COMM, {{type}}, {{numero}}, {{etat}},
  CAST(year(DATE_REELLE_AUTORISATION) AS VARCHAR), strftime(DATE_REELLE_AUTORISATION, '%Y-%m-%d'), {{doc}}, {{daact}}, CAST(AN_DEPOT AS VARCHAR),
  DENOM_DEM, SIREN_DEM, SIRET_DEM,
  CASE WHEN coalesce(SIREN_DEM, DENOM_DEM) IS NOT NULL THEN CODPOST_DEM END,
  CASE WHEN coalesce(SIREN_DEM, DENOM_DEM) IS NOT NULL THEN LOCALITE_DEM END,
  ADR_NUM_TER, ADR_TYPEVOIE_TER, ADR_LIBVOIE_TER, ADR_LIEUDIT_TER, ADR_LOCALITE_TER, ADR_CODPOST_TER,
  SEC_CADASTRE1, NUM_CADASTRE1, SEC_CADASTRE2, NUM_CADASTRE2, SEC_CADASTRE3, NUM_CADASTRE3, SUPERFICIE_TERRAIN,
  {{lgt_tot}}, {{lgt_ind}}, {{lgt_col}}, {{lgt_res}}, {{surf_hab}}, {{surf_loc}},
  -- UTF-8 read as Latin-1 and encoded again: C1 control characters, or Ã followed by a second byte, in an address or a name.
  regexp_matches(concat_ws('|', ADR_NUM_TER, ADR_TYPEVOIE_TER, ADR_LIBVOIE_TER, ADR_LIEUDIT_TER, ADR_LOCALITE_TER, LOCALITE_DEM, DENOM_DEM),
    '[\x{80}-\x{9F}]|Ã[\x{80}-\x{BF}]')
FROM read_csv($file, skip = 2, header = false, auto_detect = false, delim = ';', quote = '"', escape = '"', strict_mode = true,
  null_padding = false, dateformat = '%Y-%m-%d', columns = {{columns}});

-- name: checks
-- Counts of what the declared types let through but the dictionaries refuse; the first offending line is then found by a plain scan.
SELECT
  count(*) FILTER (WHERE NOT regexp_full_match(coalesce(codeCommuneSource, ''), '(?:[0-9]{2}|2A|2B)[0-9]{3}')) AS comm,
  count(*) FILTER (WHERE etatCode IS NULL OR etatCode NOT IN (2, 4, 5, 6)) AS etat,
  count(*) FILTER (WHERE doubleEncode) AS doubles
FROM sitadel_permis WHERE fichier = $file;

-- name: data
-- Every permit under today's commune (commune_key: rekey-keys.ts), a view that `rows` reads too.
CREATE OR REPLACE TEMP VIEW sitadel_cles AS
SELECT commune_key(p.codeCommuneSource, m.code_source IS NOT NULL, m.commune) AS cle, p.*
FROM sitadel_permis p LEFT JOIN code_map m ON m.code_source = p.codeCommuneSource;
-- One commune's figures as JSON text (sql-record-lists.ts): per year of authorisation and list, the counts per
-- état and the housing units and floor areas summed where published (sorted by year, then list: the struct's
-- first fields); `codesSource` only when the permits came under other codes than the commune's.
WITH years AS (
  SELECT cle, list_sort(list({annee: annee, liste: liste, autorisations: autorisations, autorises: autorises, annules: annules,
      commences: commences, termines: termines, {{measures}}})) AS parAnnee
  FROM (
    SELECT cle, annee, liste, count(*) AS autorisations, count(*) FILTER (WHERE etatCode = 2) AS autorises,
      count(*) FILTER (WHERE etatCode = 4) AS annules, count(*) FILTER (WHERE etatCode = 5) AS commences,
      count(*) FILTER (WHERE etatCode = 6) AS termines, {{sums}}
    FROM sitadel_cles GROUP BY cle, annee, liste)
  GROUP BY cle),
communes AS (
  SELECT cle, count(*) AS lignes, count(*) FILTER (WHERE doubleEncode) AS doubles,
    list_sort(list(DISTINCT codeCommuneSource)) AS sources
  FROM sitadel_cles GROUP BY cle)
SELECT c.cle, c.lignes,
  CASE WHEN len(c.sources) > 1 OR c.sources[1] <> c.cle
    THEN to_json({codeRegion: g.region, autorisations: c.lignes, parAnnee: y.parAnnee, adressesDoubleEncodees: c.doubles, codesSource: c.sources})
    ELSE to_json({codeRegion: g.region, autorisations: c.lignes, parAnnee: y.parAnnee, adressesDoubleEncodees: c.doubles}) END::VARCHAR AS data
FROM communes c JOIN years y USING (cle) LEFT JOIN cog_communes g ON g.code = c.cle
ORDER BY c.cle;

-- name: rows
-- The list, one commune after another: each row as JSON text in the order of the declared fields
-- ({{ligne}}: struct_pack of FIELDS), sorted by list, date and number.
SELECT cle, to_json({{ligne}})::VARCHAR AS ligne FROM sitadel_cles
WHERE NOT starts_with(cle, '!')
ORDER BY cle, liste, dateAutorisation, numero;

-- name: cleanup
DROP VIEW IF EXISTS sitadel_cles;
DROP TABLE IF EXISTS sitadel_permis;
DROP TABLE IF EXISTS cog_communes;
