-- SQL of the elections pipeline, over a results file staged by the framework
-- (pipelines/framework/staged-csv.ts: one VARCHAR column c0…cN per field).
-- {{placeholders}} are filled by source.ts from the header binding: {{table}}
-- the staged table, {{dep}}, {{inscrits}}… SQL expressions over its columns
-- (NULL when the file has no such column), {{blocks}} two columns per
-- candidate block from pipelines/framework/block-sql.ts `blockKeyValue` (the
-- hash of the candidate's identity and the votes, so that rows stream two
-- numbers per block instead of nine cells; the candidates themselves are read
-- once, by its `distinctBlocks`).

-- name: typed
-- Typed rows: fixed figures, then per block k<n> (identity hash) and v<n> (votes), both null when the block is empty.
SELECT rowid + 2 AS line, {{dep}} AS dep, {{commune}} AS commune, {{communeLabel}} AS commune_label,
  {{circo}} AS circo, {{circoLabel}} AS circo_label, {{inscrits}} AS inscrits, {{abstentions}} AS abstentions,
  {{votants}} AS votants, {{blancs}} AS blancs, {{nuls}} AS nuls, {{exprimes}} AS exprimes{{blocks}}
FROM {{table}}

-- name: totals
-- Totals of the whole file, summed by DuckDB independently of the projection ({{voix}}: coalesce(v1, 0) + …).
SELECT count(*) AS lignes, coalesce(sum(inscrits), 0) AS inscrits, coalesce(sum(abstentions), 0) AS abstentions,
  coalesce(sum(votants), 0) AS votants, coalesce(sum(blancs), 0) AS blancs, coalesce(sum(nuls), 0) AS nuls,
  coalesce(sum(exprimes), 0) AS exprimes, coalesce(sum({{voix}}), 0) AS voix
FROM ({{typed}})
