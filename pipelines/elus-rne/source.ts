/**
 * Répertoire national des élus (sources-wave2 §9, sources.md §8.8): the maires file and the conseillers
 * municipaux file, `;`, UTF-8, each recognised by its exact header. Per commune: the maire as published and
 * the council by sex, age band and function (project.ts). Dates of birth serve the age bands only.
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { checkExactHeader } from '../framework/declared-csv.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import { communeCodeCheck, firstBadCell, stageCsv, type CellCheck } from '../framework/staged-csv.js';
import { fillSql, readSqlSections } from '../framework/sql-script.js';
import { FIELDS, HEADER_CONSEILLERS, HEADER_MAIRES, projectElus, type EluRow } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const DATE = "regexp_full_match(coalesce(trim(c{i}), ''), '[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{2}/[0-9]{2}/[0-9]{4}')";
const dateCheck = (i: number, optional = false): CellCheck => ({
  sql: `(NOT ${DATE.replace('{i}', String(i))}${optional ? ` AND coalesce(trim(c${i}), '') <> ''` : ''})`,
  column: i, problem: 'date attendue (AAAA-MM-JJ ou JJ/MM/AAAA)',
});
const SEXE: CellCheck = { sql: "(coalesce(trim(c8), '') NOT IN ('F', 'M'))", column: 8, problem: 'code sexe attendu (F ou M)' };

const pipeline: SourcePipeline = {
  id: 'elus-rne',
  async run(ctx) {
    const { id: sourceId } = ctx.source;
    const rows = { maires: [] as EluRow[], conseillers: [] as EluRow[] };
    await ctx.duckdb.run(SQL.get('macro')!);
    for (const file of ctx.files) {
      const conseillers = splitLine(readFirstLines(file, 1)[0] ?? '').includes('Libellé de la fonction');
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
    ctx.report.read(projection.read);
    ctx.report.projected(projection.projected);
    for (const [reason, n] of projection.rejected) ctx.report.rejected(reason, n);
    const absent = [...(rows.maires.length ? [] : ['maires (elus-maires-mai.csv)']), ...(rows.conseillers.length ? [] : ['conseillers municipaux (elus-conseillers-municipaux-cm.csv)'])];
    return {
      millesime: reference.slice(0, 4) || undefined,
      fields: FIELDS,
      communes: projection.records,
      metadata: {
        dateReferenceAge: reference,
        donneesPersonnelles: 'Les dates de naissance ne sont pas publiées : elles servent seulement à compter les élus par tranche d\'âge.',
        ...(absent.length ? { absences: Object.fromEntries(absent.map((a) => [a, 'fichier non fourni à cette ingestion'])) } : {}),
      },
    };
  },
};

export default pipeline;
