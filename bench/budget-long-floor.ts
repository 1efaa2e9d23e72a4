/**
 * What the budget's long form costs at the very least, against the floor of the target (DuckDB's bare
 * count(*) over the same file, same reader options):
 *
 *   npx tsx bench/budget-national.ts --rows 13600000    # generates the file once (then ingests it)
 *   npx tsx bench/budget-long-floor.ts [--rows 13600000]
 *
 * Only DuckDB's own work is timed, with no check, re-keying, JSON or hand-over to Node or the database: the eight
 * columns each long-form row publishes (exercice, commune, agrégat, the three amounts, population, € per
 * inhabitant), read as text and written out by DuckDB's parallel CSV writer, in file order and grouped by commune
 * (a commune's rows are served together); then the same with the six numbers read as numbers, as the checks
 * need them. Whatever the pipeline does beyond this is on top of it.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readDeclaredCsvSql } from '../pipelines/framework/declared-csv.js';
import { readHeader } from '../pipelines/framework/csv-header.js';
import { root } from './pipeline-bench.js';
import { printRatios, timeSteps } from './floor-steps.js';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '13600000' } } });
const file = join(root, 'bench/out', `ofgl-base-communes-consolidee-${values.rows}.csv`);
const work = join(root, 'bench/out', 'budget-long-floor');
const output = join(work, 'long.csv');

const names = await readHeader(file, ';');
const read = readDeclaredCsvSql([file], names.map((_, i) => [`c${i}`, 'VARCHAR'] as const)).replace('header = true', 'header = false, skip = 1');
const column = (test: (name: string) => boolean, what: string) => {
  const at = names.findIndex(test);
  if (at < 0) throw new Error(`${file} : pas de colonne ${what}`);
  return `c${at}`;
};
const exact = (name: string) => column((n) => n === name, name);
const commune = column((n) => /^Code Insee \d{4} Commune$/.test(n), 'Code Insee <millésime> Commune');
const NUMBERS = ['Montant BP', 'Montant BA', 'Montant', 'Population totale', 'Montant en € par habitant'].map(exact);
const TEXT = [exact('Exercice'), commune, exact('Agrégat'), ...NUMBERS].join(', ');
const TYPED = [exact('Exercice'), commune, exact('Agrégat'), ...NUMBERS.map((c) => `TRY_CAST(${c} AS DOUBLE) AS ${c}`)].join(', ');

const STEPS: [string, string][] = [
  ['forme longue en texte, ordre du fichier', `COPY (SELECT ${TEXT} FROM ${read}) TO '${output}' (FORMAT csv)`],
  ['forme longue en texte, groupée par commune', `COPY (SELECT ${TEXT} FROM ${read} ORDER BY ${commune}) TO '${output}' (FORMAT csv)`],
  ['nombres lus en nombres, dans une table', `CREATE OR REPLACE TEMP TABLE budget AS SELECT ${TYPED} FROM ${read}`],
  ['forme longue écrite de la table, par commune', `COPY (SELECT * FROM budget ORDER BY ${commune}) TO '${output}' (FORMAT csv)`],
];

const timed = await timeSteps(work, `SELECT count(*) FROM ${read}`, STEPS);
printRatios(timed, {
  'texte, ordre du fichier': [STEPS[0][0]],
  'texte, groupé par commune': [STEPS[1][0]],
  'nombres typés puis forme longue par commune': [STEPS[2][0], STEPS[3][0]],
});
