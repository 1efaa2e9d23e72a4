/**
 * Répertoire national des élus (sources-wave2 §9, sources.md §8.8): the maires file and the conseillers
 * municipaux file, `;`, UTF-8, each recognised by its exact header. Per commune: the maire as published and
 * the council by sex, age band and function (project.ts). Dates of birth serve the age bands only. The
 * conseillers communautaires file, its columns bound by name, gives each EPCI's président (a territory record).
 */
import { join } from 'node:path';
import type { SourceContext, SourcePipeline, TerritoryRecord } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { readBoundHeader } from '../framework/header-prefix.js';
import { checkExactHeader } from '../framework/declared-csv.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import { communeCodeCheck, firstBadCell, stageCsv } from '../framework/staged-csv.js';
import { dateCheck, sexCheck, sirenCheck } from '../framework/cell-formats.js';
import { reportProjection } from '../framework/projection-report.js';
import { fillSql, readSqlSections } from '../framework/sql-script.js';
import { COLUMNS_EPCI, FIELDS, HEADER_CONSEILLERS, HEADER_MAIRES, PRESIDENT_EPCI, presidentsOf, projectElus, type EluRow, type PresidentRow } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const SEXE = sexCheck(8);

/** The président of each EPCI of the conseillers communautaires file, its columns bound by name; two for one EPCI stop the run. */
async function presidents(ctx: SourceContext, file: string): Promise<TerritoryRecord[]> {
  const { index, names } = await readBoundHeader(ctx.source.id, file, COLUMNS_EPCI);
  await stageCsv(ctx.duckdb, ctx.source.id, 'rne_epci', file, file, names.length, { nullPadding: false });
  await firstBadCell(ctx.duckdb, ctx.source.id, 'rne_epci', file, [sirenCheck(index.siren), sexCheck(index.sexe), dateCheck(index.debutFonction, true)], names);
  const columns = Object.fromEntries(Object.entries(index).map(([k, i]) => [k, `c${i}`]));
  const sql = fillSql(SQL.get('presidents')!, { table: 'rne_epci', president: PRESIDENT_EPCI, ...columns });
  const rows = (await ctx.duckdb.runAndReadAll(sql)).getRowObjectsJS() as unknown as PresidentRow[];
  await ctx.duckdb.run('DROP TABLE IF EXISTS rne_epci');
  const seen = new Set<string>();
  for (const r of rows) {
    if (seen.has(r.siren)) throw new SourceError(ctx.source.id, file, `deux présidents pour l'EPCI ${r.siren}`, r.ligne, names[index.fonction]);
    seen.add(r.siren);
  }
  return presidentsOf(rows);
}

const pipeline: SourcePipeline = {
  id: 'elus-rne',
  async run(ctx) {
    const { id: sourceId } = ctx.source;
    const rows = { maires: [] as EluRow[], conseillers: [] as EluRow[] };
    await ctx.duckdb.run(SQL.get('macro')!);
    const epci: TerritoryRecord[] = [];
    for (const file of ctx.files) {
      const head = splitLine(readFirstLines(file, 1)[0] ?? '');
      if (head.includes(COLUMNS_EPCI.siren.name)) { epci.push(...await presidents(ctx, file)); continue; }
      const conseillers = head.includes('Libellé de la fonction');
      const header = conseillers ? HEADER_CONSEILLERS : HEADER_MAIRES;
      await checkExactHeader(sourceId, file, header);
      await stageCsv(ctx.duckdb, sourceId, 'rne_brut', file, file, header.length, { nullPadding: false });
      const debutFonction = conseillers ? 14 : 13;
      await firstBadCell(ctx.duckdb, sourceId, 'rne_brut', file,
        [communeCodeCheck(4), SEXE, dateCheck(9), dateCheck(12), dateCheck(debutFonction, conseillers)], header);
      const sql = fillSql(SQL.get('rows')!, { table: 'rne_brut', fonction: conseillers ? "nullif(trim(c13), '')" : 'NULL', debut_fonction: `c${debutFonction}` });
      rows[conseillers ? 'conseillers' : 'maires'].push(...(await ctx.duckdb.runAndReadAll(sql)).getRowObjectsJS() as unknown as EluRow[]);
      await ctx.duckdb.run('DROP TABLE IF EXISTS rne_brut');
    }
    // Ages are counted at the latest mandate start of the files (the last municipal election), so a release says the same whenever it is built.
    const reference = [...rows.maires, ...rows.conseillers].map((r) => r.debut_mandat).sort().at(-1) ?? '';
    const projection = projectElus(rows.maires, rows.conseillers, ctx.referential, (code) => ctx.scope.includes(code), reference);
    reportProjection(ctx.report, projection);
    const absent = [...(rows.maires.length ? [] : ['maires (elus-maires-mai.csv)']), ...(rows.conseillers.length ? [] : ['conseillers municipaux (elus-conseillers-municipaux-cm.csv)']),
      ...(epci.length ? [] : ['présidents d\'EPCI (elus-conseillers-communautaires-epci.csv)'])];
    return {
      millesime: reference.slice(0, 4) || undefined,
      fields: FIELDS,
      communes: projection.records,
      territories: epci,
      metadata: {
        dateReferenceAge: reference,
        donneesPersonnelles: 'Les dates de naissance ne sont pas publiées : elles servent seulement à compter les élus par tranche d\'âge.',
        ...(absent.length ? { absences: Object.fromEntries(absent.map((a) => [a, 'fichier non fourni à cette ingestion'])) } : {}),
      },
    };
  },
};

export default pipeline;
