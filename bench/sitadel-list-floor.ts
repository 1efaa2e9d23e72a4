/**
 * What Sitadel's list costs at the very least, against the floor of the issue's target
 * (DuckDB's bare count(*) over the same file, same reader options):
 *
 *   npx tsx bench/sitadel-national.ts --phase generate [--rows 3000000]   # once
 *   npx tsx bench/sitadel-list-floor.ts [--rows 3000000]
 *
 * Only DuckDB's own work is timed, with no typing, no checks, no re-keying, no
 * sort, no JSON and nothing handed to Node or to the database: the 32 source
 * columns that the served list publishes, read as text, written out by DuckDB's
 * parallel CSV writer, and the counts per commune, year and état. Two ways are
 * timed: one read into a table that both outputs then use, and two reads of the
 * file (the list streamed straight to the writer, the counts by a second scan).
 * Whatever the pipeline does beyond this is on top of it.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { LAYOUTS } from '../pipelines/sitadel/project.js';
import { root } from './pipeline-bench.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '3000000' } } });
const file = join(root, 'bench/out', `sitadel-logements-${values.rows}.csv`);
const work = join(root, 'bench/out', 'sitadel-list-floor');
mkdirSync(work, { recursive: true });
const output = join(work, 'liste.csv');

const declared = `{${LAYOUTS[0].columns.map((c) => `'${c}': 'VARCHAR'`).join(', ')}}`;
const read = `read_csv('${file}', skip = 2, header = false, auto_detect = false, delim = ';', quote = '"', escape = '"', strict_mode = true, columns = ${declared})`;
/** The source columns behind the served list's fields (pipelines/sitadel/stage.sql, section insert). */
const LIST = ['COMM', 'TYPE_DAU', 'NUM_DAU', 'ETAT_DAU', 'DATE_REELLE_AUTORISATION', 'DATE_REELLE_DOC', 'DATE_REELLE_DAACT', 'AN_DEPOT',
  'DENOM_DEM', 'SIREN_DEM', 'SIRET_DEM', 'CODPOST_DEM', 'LOCALITE_DEM', 'ADR_NUM_TER', 'ADR_TYPEVOIE_TER', 'ADR_LIBVOIE_TER', 'ADR_LIEUDIT_TER',
  'ADR_LOCALITE_TER', 'ADR_CODPOST_TER', 'SEC_CADASTRE1', 'NUM_CADASTRE1', 'SEC_CADASTRE2', 'NUM_CADASTRE2', 'SEC_CADASTRE3', 'NUM_CADASTRE3',
  'SUPERFICIE_TERRAIN', 'NB_LGT_TOT_CREES', 'NB_LGT_IND_CREES', 'NB_LGT_COL_HORS_RES', 'NB_LGT_RES', 'SURF_HAB_CREEE', 'SURF_LOC_CREEE'].join(', ');
const COUNTS = 'COMM, left(DATE_REELLE_AUTORISATION, 4) AS annee, ETAT_DAU, count(*) AS autorisations, sum(TRY_CAST(NB_LGT_TOT_CREES AS BIGINT)) AS logements';

const STEPS: [string, string][] = [
  ['floor', `SELECT count(*) FROM ${read}`],
  ['one read: list columns into a table', `CREATE OR REPLACE TEMP TABLE permis AS SELECT ${LIST} FROM ${read}`],
  ['one read: list written from the table', `COPY permis TO '${output}' (FORMAT csv)`],
  ['one read: counts from the table', `CREATE OR REPLACE TEMP TABLE comptes AS SELECT ${COUNTS} FROM permis GROUP BY ALL`],
  ['two reads: list streamed to the writer', `COPY (SELECT ${LIST} FROM ${read}) TO '${output}' (FORMAT csv)`],
  ['two reads: counts by a second scan', `CREATE OR REPLACE TEMP TABLE comptes AS SELECT ${COUNTS} FROM ${read} GROUP BY ALL`],
  ['list streamed, sorted by commune', `COPY (SELECT ${LIST} FROM ${read} ORDER BY COMM) TO '${output}' (FORMAT csv)`],
  ['floor', `SELECT count(*) FROM ${read}`],
];

const instance = await DuckDBInstance.create(':memory:', { memory_limit: '1GB', threads: '2', preserve_insertion_order: 'false', temp_directory: work });
const duckdb = await instance.connect();
const seconds: Record<string, { wall: number; cpu: number }[]> = {};
for (const [name, sql] of STEPS) {
  const started = performance.now();
  const cpu = process.cpuUsage();
  await duckdb.run(sql);
  const used = process.cpuUsage(cpu);
  const figure = { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
  (seconds[name] ??= []).push(figure);
  console.log(`${name.padEnd(40)} ${figure.wall.toFixed(1).padStart(6)} s  CPU ${figure.cpu.toFixed(1).padStart(6)} s`);
}
rmSync(work, { recursive: true, force: true });

const floor = { wall: (seconds.floor[0].wall + seconds.floor[1].wall) / 2, cpu: (seconds.floor[0].cpu + seconds.floor[1].cpu) / 2 };
const total = (names: string[]) => names.reduce((acc, n) => ({ wall: acc.wall + seconds[n][0].wall, cpu: acc.cpu + seconds[n][0].cpu }), { wall: 0, cpu: 0 });
const ratio = (t: { wall: number; cpu: number }) => `${(t.wall / floor.wall).toFixed(2)}× mural, ${(t.cpu / floor.cpu).toFixed(2)}× CPU`;
console.log(`plancher moyen : ${floor.wall.toFixed(1)} s (CPU ${floor.cpu.toFixed(1)} s)`);
console.log(`une lecture (table, liste, comptes) : ${ratio(total(['one read: list columns into a table', 'one read: list written from the table', 'one read: counts from the table']))}`);
console.log(`deux lectures (liste en flux, comptes) : ${ratio(total(['two reads: list streamed to the writer', 'two reads: counts by a second scan']))}`);
console.log(`liste seule, en flux : ${ratio(total(['two reads: list streamed to the writer']))} ; triée par commune : ${ratio(total(['list streamed, sorted by commune']))}`);
