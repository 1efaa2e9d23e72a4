-- ARCEP « Mon réseau mobile » sites: one row per commune code as written and operator, with the
-- sites carrying each technology. The flags are read as UTINYINT, so a value that is not a
-- number stops the read; a flag above 1 or a row without operator is counted for the check.
-- Placeholders: {{sites}} the read_csv(...) of the files with their declared columns
-- (source.ts), {{any_flag_above_1}} `site_2g > 1 OR …` over every declared flag.
-- name: sites
SELECT insee_com, code_op, min(nom_op) AS nom_op, count(*)::BIGINT AS sites,
  sum(site_2g)::BIGINT AS s2g, sum(site_3g)::BIGINT AS s3g, sum(site_4g)::BIGINT AS s4g, sum(site_5g)::BIGINT AS s5g,
  sum(site_5g_3500_m_hz)::BIGINT AS s5g3500, sum(site_ZB)::BIGINT AS zb, sum(site_DCC)::BIGINT AS dcc,
  count(*) FILTER (WHERE {{any_flag_above_1}})::BIGINT AS bad_flags,
  count(*) FILTER (WHERE code_op IS NULL)::BIGINT AS sans_operateur
FROM {{sites}}
GROUP BY insee_com, code_op
