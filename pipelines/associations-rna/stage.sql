-- The RNA (Waldec) per-département files, already in UTF-8 (file-encoding.ts), every
-- column declared as text: nothing sniffed, codes keep their zeros and `2A`.
-- Quoting is loose in the producer's files (`LES "AMIS" DE` unquoted): strict_mode off.
-- {{files}} is the list of files, {{columns}} the declared header, {{plm}} the
-- arrondissements municipaux as VALUES (arrondissement, commune), {{texts}} the text
-- columns kept for the list (`titre, objet, siteweb`) or NULLs for the counts: only the
-- columns used are kept in memory (a national file holds 2 million rows of long objets).

-- name: read
CREATE OR REPLACE TEMP TABLE rna_brut AS
SELECT filename, id, adrs_codeinsee, position, date_creat, objet_social1, {{texts}}
FROM read_csv({{files}}, header = true, auto_detect = false, delim = ';', quote = '"', escape = '"',
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
SELECT code, list(DISTINCT adrs_codeinsee ORDER BY adrs_codeinsee) AS codes FROM rna_place
GROUP BY code HAVING count(DISTINCT adrs_codeinsee) > 1 OR any_value(adrs_codeinsee) <> code;

-- name: counts
SELECT code, 'actives' AS indicateur, '' AS modalite, count(*) FILTER (WHERE position = 'A') AS associations FROM rna_place GROUP BY code
UNION ALL
SELECT code, 'creations', date_creat[1:4], count(*) FROM rna_place WHERE position <> 'S' AND date_creat IS NOT NULL GROUP BY ALL
UNION ALL
SELECT code, 'themes', coalesce(objet_social1, ''), count(*) FROM rna_place WHERE position = 'A' GROUP BY ALL
ORDER BY code, indicateur, modalite;

-- name: list
SELECT code, id, titre, objet, date_creat, siteweb, objet_social1, adrs_codeinsee FROM rna_place WHERE position = 'A' ORDER BY code, id;

-- name: cleanup
DROP VIEW IF EXISTS rna_place;
DROP VIEW IF EXISTS rna;
DROP TABLE IF EXISTS rna_brut;
