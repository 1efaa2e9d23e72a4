/**
 * INSEE naissances and décès domiciliés par commune (Mélodi
 * `DS_ETAT_CIVIL_NAIS_COMMUNES` / `DS_ETAT_CIVIL_DECES_COMMUNES`, sources-wave2
 * §2.1): per commune, births and deaths per year since 2008 and the natural
 * balance. Either file alone, or both; zip or CSV.
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { expandInputs } from '../framework/geo/archive.js';
import { checkExactHeader, firstLineWhere } from '../framework/declared-csv.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { csvReadError } from '../framework/staged-csv.js';
import { SourceError } from '../framework/errors.js';
import { reportProjection } from '../framework/projection-report.js';
import { FIELDS, metadataOf, projectRows, type StagedRow } from './project.js';

const DATA = ['EC_MEASURE', 'FREQ', 'GEO', 'GEO_OBJECT', 'OBS_STATUS', 'TIME_PERIOD', 'OBS_VALUE'];
const METADATA = ['COD_VAR', 'LIB_VAR', 'COD_MOD', 'LIB_MOD'];
const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));
/** What each count of the `checks` section refuses, and the test a plain scan repeats to find the line. */
const CHECKS = {
  mesure: { column: 'EC_MEASURE', bad: (v: string) => v !== 'LVB' && v !== 'DTH', expected: 'LVB ou DTH' },
  annee: { column: 'TIME_PERIOD', bad: (v: string) => !/^(19|20)\d{2}$/.test(v), expected: 'une année' },
  valeur: { column: 'OBS_VALUE', bad: (v: string) => v !== '' && !/^-?\d+$/.test(v), expected: 'un nombre entier ou vide' },
};

const pipeline: SourcePipeline = {
  id: 'etat-civil-insee',
  async run(ctx) {
    const rows: StagedRow[] = [];
    const labels: Record<string, unknown>[] = [];
    let otherLevels = 0;
    for (const { file } of await expandInputs(ctx.files, ctx.workDir, (name) => /\.csv$/i.test(name))) {
      const metadata = /metadata/i.test(file);
      await checkExactHeader(ctx.source.id, file, metadata ? METADATA : DATA);
      const result = await runSqlScript(ctx.duckdb, metadata ? sections('metadata', 'labels', 'cleanup') : sections('data', 'checks', 'rows', 'cleanup'), {
        params: { file }, mapError: (e) => csvReadError(ctx.source.id, file, e, 'after-heading'),
      });
      if (metadata) { labels.push(...result.get('labels')!); continue; }
      const counts = result.get('checks')![0];
      for (const [name, check] of Object.entries(CHECKS)) {
        if (!Number(counts[name])) continue;
        const { line, value } = await firstLineWhere(file, DATA, check.column, check.bad);
        throw new SourceError(ctx.source.id, file, `valeur « ${value} » inattendue (attendu : ${check.expected})`, line, check.column);
      }
      otherLevels += Number(counts.autres_niveaux);
      for (const r of result.get('rows')!) rows.push({ ...r, valeur: r.valeur === null ? null : Number(r.valeur) } as StagedRow);
    }
    const projection = projectRows(rows, ctx.referential, (code) => ctx.scope.includes(code));
    reportProjection(ctx.report, projection);
    ctx.report.note('lignesAutresNiveaux', otherLevels);
    const { millesime, metadata } = metadataOf(rows, labels);
    return { millesime, fields: FIELDS, communes: projection.records, metadata };
  },
};

export default pipeline;
