-- The RNA (Waldec) per-département files, in UTF-8 or latin-1 as decided per file
-- (encoded-read.ts: {{encoding}}, one read per encoding), every column declared as
-- text: nothing sniffed, codes keep their zeros and `2A`.
-- Quoting is loose in the producer's files (`LES "AMIS" DE` unquoted): strict_mode off.
-- {{files}} is the list of files, {{columns}} the declared header, {{plm}} the
-- arrondissements municipaux as VALUES (arrondissement, commune), {{texts}} the text
-- columns kept for the list (`titre, objet, siteweb`) or NULLs for the counts: only the
-- columns used are kept in memory (a national file holds 2 million rows of long objets).

-- name: create
CREATE OR REPLACE TEMP TABLE rna_brut (filename VARCHAR, id VARCHAR, adrs_codeinsee VARCHAR, position VARCHAR, date_creat VARCHAR,
  objet_social1 VARCHAR, titre VARCHAR, objet VARCHAR, siteweb VARCHAR, utf8 BOOLEAN);

-- name: read
-- The files read in one encoding (encoded-read.ts); {{utf8}}: in a latin-1 reading, whether a published
-- text holds a UTF-8 sequence (the file is then scanned whole), else false.
INSERT INTO rna_brut
SELECT filename, id, adrs_codeinsee, position, date_creat, objet_social1, {{texts}}, {{utf8}}
FROM read_csv({{files}}, encoding = '{{encoding}}', header = true, auto_detect = false, delim = ';', quote = '"', escape = '"',
  strict_mode = false, null_padding = false, filename = true, columns = {{columns}});

-- name: checks
-- Counts of what a check refuses, in this run's scope; the first offending record is then found by a plain parse.
SELECT
  count(*) FILTER (WHERE position IS NULL OR position NOT IN ('A', 'D', 'S', 'R')) AS position,
  count(*) FILTER (WHERE date_creat IS NOT NULL AND NOT regexp_full_match(date_creat, '[0-9]{4}-[0-9]{2}-[0-9]{2}')) AS date_creat
FROM rna_brut WHERE in_scope(coalesce(adrs_codeinsee, ''));

-- name: keyed
-- Each row on today's commune (code map of the COG: current codes, déléguées, retired codes), or its reason.
-- Views, not copies: each query below joins again, which costs less than holding the rows twice.
CREATE OR REPLACE TEMP VIEW rna AS
SELECT b.*, m.commune,
  CASE WHEN m.commune IS NOT NULL THEN NULL
       WHEN m.motif IS NOT NULL THEN m.motif
       WHEN regexp_full_match(coalesce(b.adrs_codeinsee, ''), '[0-9][0-9AB][0-9]{3}') THEN 'code commune inconnu du COG'
       ELSE 'code commune absent ou mal formé' END AS motif
FROM rna_brut b LEFT JOIN rna_code_map m ON m.code_source = b.adrs_codeinsee
WHERE in_scope(coalesce(b.adrs_codeinsee, ''));

-- name: accounting
SELECT count(*) AS lues, count(commune) AS projetees,
  count(*) FILTER (WHERE commune <> adrs_codeinsee) AS recodees,
  count(DISTINCT filename) AS fichiers
FROM rna;

-- name: rejects
SELECT motif, count(*) AS n FROM rna WHERE commune IS NULL GROUP BY motif ORDER BY motif;

-- name: placed
-- Arrondissements municipaux are kept and also counted in Paris, Lyon, Marseille.
CREATE OR REPLACE TEMP VIEW rna_place AS
SELECT commune AS code, id, titre, objet, date_creat, siteweb, objet_social1, adrs_codeinsee, position FROM rna WHERE commune IS NOT NULL
UNION ALL
SELECT p.commune AS code, id, titre, objet, date_creat, siteweb, objet_social1, adrs_codeinsee, position
FROM rna r JOIN (VALUES {{plm}}) AS p(arrondissement, commune) ON p.arrondissement = r.commune;

-- name: sources
-- Communes whose rows came under other codes (pre-merger codes, arrondissements): the codes summed.
CREATE OR REPLACE TEMP TABLE rna_sources AS
SELECT code, list(DISTINCT adrs_codeinsee ORDER BY adrs_codeinsee) AS codes FROM rna_place
GROUP BY code HAVING count(DISTINCT adrs_codeinsee) > 1 OR any_value(adrs_codeinsee) <> code;

-- name: counts
-- One commune's record as JSON text: its counts as a long table (actives; créations per year, deleted records
-- excluded; actives per theme), sorted by indicateur then modalité (list_sort: the struct's first fields), and
-- the same as a summary; `partiel` in Alsace-Moselle, `codesSommes` when rows came under other codes.
WITH tallies AS (
  SELECT code, 'actives' AS indicateur, '' AS modalite, count(*) FILTER (WHERE position = 'A') AS associations FROM rna_place GROUP BY code
  UNION ALL
  SELECT code, 'creations', date_creat[1:4], count(*) FROM rna_place WHERE position <> 'S' AND date_creat IS NOT NULL GROUP BY ALL
  UNION ALL
  SELECT code, 'themes', coalesce(objet_social1, ''), count(*) FROM rna_place WHERE position = 'A' GROUP BY ALL),
communes AS (
  SELECT code, {{couverture}} AS couverture, {{droit_local}} AS partiel, list({indicateur: indicateur, modalite: modalite, associations: associations}) AS lignes
  FROM tallies GROUP BY code)
SELECT c.code AS cle,
  json_merge_patch(to_json({
      actives: list_filter(lignes, (l) -> l.indicateur = 'actives')[1].associations,
      creationsParAnnee: map_from_entries(list_transform(list_filter(lignes, (l) -> l.indicateur = 'creations'), (l) -> {k: l.modalite, v: l.associations})),
      activesParTheme: map_from_entries(list_transform(list_filter(lignes, (l) -> l.indicateur = 'themes'), (l) -> {k: l.modalite, v: l.associations})),
      couverture: couverture}),
    json_merge_patch(CASE WHEN c.partiel THEN '{"partiel":true}' ELSE '{}' END,
      CASE WHEN s.codes IS NOT NULL THEN to_json({codesSommes: s.codes}) ELSE '{}' END))::VARCHAR AS data,
  to_json(list_transform(list_sort(lignes), (l) -> {indicateur: l.indicateur, modalite: l.modalite,
    associations: l.associations, couverture: couverture}))::VARCHAR AS rows
FROM communes c LEFT JOIN rna_sources s ON s.code = c.code
ORDER BY c.code;

-- name: list_data
SELECT code AS cle, to_json(CASE WHEN {{droit_local}} THEN to_json({actives: count(*), couverture: {{couverture}}, partiel: true})
  ELSE to_json({actives: count(*), couverture: {{couverture}}}) END)::VARCHAR AS data
FROM rna_place WHERE position = 'A' GROUP BY code ORDER BY code;

-- name: list
-- The active associations, one commune after another, each as JSON text in the order of the declared fields.
SELECT code AS cle, to_json({id: id, titre: titre, objet: objet, dateCreation: date_creat, siteWeb: siteweb, theme: objet_social1,
  codeCommuneRna: adrs_codeinsee})::VARCHAR AS ligne
FROM rna_place WHERE position = 'A' ORDER BY code, id;

-- name: cleanup
DROP VIEW IF EXISTS rna_place;
DROP VIEW IF EXISTS rna;
DROP TABLE IF EXISTS rna_brut;
DROP TABLE IF EXISTS rna_sources;
