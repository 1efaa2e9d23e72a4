/**
 * The département scope (scope.ts) inside DuckDB: a scan that filters rows on
 * a commune code calls `in_scope(code)`, a macro this module defines for the
 * run, so that SQL and JS keep the same rows (a source that counts rows in
 * both must get the same counts).
 *
 * `DepartementScope.includes` takes a current commune's département from the
 * COG and any other code's from its spelling (`departementOf`); a current
 * commune's code starts with its département (INSEE's rule, true of every
 * commune and arrondissement of COG 2026), so the spelling gives the same
 * answer here, without a table of codes. A whole-France run defines
 * `in_scope` as TRUE, which the optimiser removes from the scan.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { DepartementScope } from './scope.js';
import { sqlString } from './sql-script.js';

/** `departementOf` (src/domain/codes.ts) in SQL: three characters overseas (97x, 98x), two otherwise (2A, 2B included). */
const DEPARTEMENT_OF = "CASE WHEN code[1:2] IN ('97', '98') THEN code[1:3] ELSE code[1:2] END";

/** Defines (or redefines) the temporary macro `in_scope(code)` for this run's scope. */
export async function stageScope(duckdb: DuckDBConnection, scope: DepartementScope): Promise<void> {
  const list = scope.departements.map(sqlString).join(', ');
  const body = scope.isPartial ? `list_contains([${list}]::VARCHAR[], ${DEPARTEMENT_OF})` : 'TRUE';
  await duckdb.run(`CREATE OR REPLACE TEMP MACRO in_scope(code) AS ${body}`);
}
