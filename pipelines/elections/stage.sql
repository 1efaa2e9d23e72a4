-- SQL of the elections pipeline, over a results file staged by the framework
-- (pipelines/framework/staged-csv.ts: one VARCHAR column c0…cN per field).
-- {{placeholders}} are filled by source.ts from the header binding: {{table}}
-- the staged table, {{dep}}, {{inscrits}}… SQL expressions over its columns
-- (NULL when the file has no such column), {{n}} a candidate block's number,
-- {{present}} "this block is filled on the row", {{key}} the hash of the
-- candidate's identity in the block (so that rows stream two numbers per
-- block instead of nine cells).

-- name: typed
-- Typed rows: fixed figures, then per block k<n> (identity hash) and v<n> (votes), both null when the block is empty.
SELECT rowid + 2 AS line, {{dep}} AS dep, {{commune}} AS commune, {{communeLabel}} AS commune_label,
  {{circo}} AS circo, {{circoLabel}} AS circo_label, {{inscrits}} AS inscrits, {{abstentions}} AS abstentions,
  {{votants}} AS votants, {{blancs}} AS blancs, {{nuls}} AS nuls, {{exprimes}} AS exprimes{{blocks}}
FROM {{table}}

-- name: typedBlock
, CASE WHEN {{present}} THEN {{key}} END AS k{{n}}, CASE WHEN {{present}} THEN {{voix}} END AS v{{n}}

-- name: candidates
-- Every distinct candidate block of the file with its hash: a few dozen to a few thousand rows.
SELECT DISTINCT k, fields FROM ({{blocks}})

-- name: candidatesBlock
SELECT {{key}} AS k, {'numeroPanneau': {{panneau}}, 'nuance': {{nuance}}, 'nom': {{nom}}, 'prenom': {{prenom}}, 'sexe': {{sexe}},
  'liste': {{liste}}, 'listeAbregee': {{listeAbregee}}, 'eluCell': {{elu}}} AS fields
FROM {{table}} WHERE {{present}}

-- name: totals
-- Totals of the whole file, summed by DuckDB independently of the projection ({{voix}}: coalesce(v1, 0) + …).
SELECT count(*) AS lignes, coalesce(sum(inscrits), 0) AS inscrits, coalesce(sum(abstentions), 0) AS abstentions,
  coalesce(sum(votants), 0) AS votants, coalesce(sum(blancs), 0) AS blancs, coalesce(sum(nuls), 0) AS nuls,
  coalesce(sum(exprimes), 0) AS exprimes, coalesce(sum({{voix}}), 0) AS voix
FROM ({{typed}})
