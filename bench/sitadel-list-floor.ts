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
 * timed: one read into a table that both outputs then use, and two reads (the list
 * streamed straight to the writer, the counts by a second scan of the file or of
 * the list just written, which is smaller).
 * Whatever the pipeline does beyond this is on top of it.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LAYOUTS } from '../pipelines/sitadel/project.js';
import { root } from './pipeline-bench.js';
import { printRatios, timeSteps } from './floor-steps.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '3000000' } } });
const file = join(root, 'bench/out', `sitadel-logements-${values.rows}.csv`);
const work = join(root, 'bench/out', 'sitadel-list-floor');
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
  ['une lecture : colonnes de la liste dans une table', `CREATE OR REPLACE TEMP TABLE permis AS SELECT ${LIST} FROM ${read}`],
  ['une lecture : liste écrite depuis la table', `COPY permis TO '${output}' (FORMAT csv)`],
  ['une lecture : comptes depuis la table', `CREATE OR REPLACE TEMP TABLE comptes AS SELECT ${COUNTS} FROM permis GROUP BY ALL`],
  ['deux lectures : liste en flux vers l\'écrivain', `COPY (SELECT ${LIST} FROM ${read}) TO '${output}' (FORMAT csv)`],
  ['deux lectures : comptes par un second parcours', `CREATE OR REPLACE TEMP TABLE comptes AS SELECT ${COUNTS} FROM ${read} GROUP BY ALL`],
  ['deux lectures : comptes relus de la liste écrite', `CREATE OR REPLACE TEMP TABLE comptes AS SELECT column00 AS COMM, left(column04, 4) AS annee, column03 AS ETAT_DAU, count(*) AS autorisations, sum(TRY_CAST(column26 AS BIGINT)) AS logements FROM read_csv('${output}', header = false, auto_detect = false, columns = {${Array.from({ length: 32 }, (_, i) => `'column${String(i).padStart(2, '0')}': 'VARCHAR'`).join(', ')}}) GROUP BY ALL`],
  ['liste en flux, triée par commune', `COPY (SELECT ${LIST} FROM ${read} ORDER BY COMM) TO '${output}' (FORMAT csv)`],
];

const timed = await timeSteps(work, `SELECT count(*) FROM ${read}`, STEPS);
printRatios(timed, {
  'une lecture (table, liste, comptes)': STEPS.slice(0, 3).map(([n]) => n),
  'deux lectures (liste en flux, comptes)': STEPS.slice(3, 5).map(([n]) => n),
  'deux lectures (liste en flux, comptes relus de la liste écrite)': [STEPS[3][0], STEPS[5][0]],
  'liste seule, en flux': [STEPS[3][0]],
  'liste seule, triée par commune': [STEPS[6][0]],
});
