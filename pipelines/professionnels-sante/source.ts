/**
 * Agence du numérique en santé, Annuaire Santé « extraction en libre accès »
 * (sources-wave2 §4.2): `PS_LibreAcces_Personne_activite_*.txt`, `|`-separated
 * with a trailing `|`, one row per professional × activity site, read by the
 * names of its header. DuckDB places each row on a commune (commune code, else
 * a postal code of one commune), counts distinct professionals and writes each
 * commune's record as JSON text (stage.sql).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { expandInputs } from '../framework/geo/archive.js';
import { readHeader } from '../framework/csv-header.js';
import { firstLineWhere } from '../framework/declared-csv.js';
import { stageCheckedColumns } from '../framework/checked-stage.js';
import { toUtf8 } from '../framework/staged-csv.js';
import { fillSql, readSqlSections, runSqlScript, sqlString } from '../framework/sql-script.js';
import { sqlRecordTexts } from '../framework/sql-records.js';
import { afterStream } from '../framework/after-stream.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageScope } from '../framework/scope-sql.js';
import { stagePlm } from '../framework/plm-sql.js';
import { stagePostalCodes } from '../framework/postal-codes.js';
import { cellChecks, FIELDS, GENERALISTES, labelProblem, MEDECIN, METADATA, type LabelRow } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
/** Only what is counted or places a row: names, phones and e-mails are never read. */
const COLUMNS = {
  'Identification nationale PP': 'id_pp', 'Code profession': 'code_profession', 'Libellé profession': 'libelle_profession',
  'Code savoir-faire': 'code_sf', 'Libellé savoir-faire': 'libelle_sf', 'Code postal (coord. structure)': 'code_postal',
  'Code commune (coord. structure)': 'code_commune', 'Code pays (coord. structure)': 'code_pays',
};
const REQUIRED = Object.keys(COLUMNS);
const placeholders = { medecin: sqlString(MEDECIN), generalistes: GENERALISTES.map(sqlString).join(', ') };
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));

const pipeline: SourcePipeline = {
  id: 'professionnels-sante',
  async run(ctx) {
    const id = ctx.source.id;
    const files = await Promise.all((await expandInputs(ctx.files, ctx.workDir, (n) => /Personne_activite.*\.(txt|csv)$/i.test(n)))
      .map(({ file }) => toUtf8(file, ctx.source.encodage, ctx.workDir, id)));
    if (!files.length) throw new SourceError(id, ctx.files.join(', '), 'aucun fichier PS_LibreAcces_Personne_activite_*.txt');
    await ctx.duckdb.run('DROP TABLE IF EXISTS ps');
    for (const file of files) {
      await stageCheckedColumns(ctx.duckdb, id, file, 'ps', {
        delimiter: '|', quote: '', columns: COLUMNS, required: REQUIRED,
        checks: cellChecks,
      });
    }
    const labels = (await runSqlScript(ctx.duckdb, sections('labels'), { placeholders })).get('labels') as unknown as LabelRow[];
    const bad = labelProblem(labels);
    if (bad) {
      const header = await readHeader(files[0], '|');
      const { line } = await firstLineWhere(files[0], header, bad.row.colonne_code, (v) => v === bad.row.code, '|');
      throw new SourceError(id, files[0], bad.problem, line, bad.row.colonne);
    }
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, 'commune scindée depuis la date de l\'extraction'), 'ps_code_map');
    await stagePostalCodes(ctx.duckdb, ctx.referential, 'ps_postal');
    await stagePlm(ctx.duckdb, ctx.referential, 'ps_plm');
    await stageScope(ctx.duckdb, ctx.scope);
    const cleanup = () => ctx.duckdb.run(SQL.get('cleanup')!);
    const result = await runSqlScript(ctx.duckdb, sections('place', 'target', 'accounting', 'rejected'), { placeholders }).catch(async (e: unknown) => { await cleanup(); throw e; });
    const counts = result.get('accounting')![0];
    ctx.report.read(Number(counts.dans_le_perimetre));
    ctx.report.projected(Number(counts.attribuees));
    for (const r of result.get('rejected')!) ctx.report.rejected(r.motif as string, Number(r.n));
    ctx.report.note('attribuéesParCodePostal', Number(counts.par_code_postal));
    const outside = Number(counts.lues) - Number(counts.dans_le_perimetre);
    if (outside) ctx.report.note('hors des départements demandés', outside);
    return {
      millesime: /(\d{8})\d*\.(txt|csv)$/i.exec(files[0])?.[1],
      fields: FIELDS,
      communes: afterStream(sqlRecordTexts(ctx.duckdb, fillSql(SQL.get('records')!, placeholders)), cleanup),
      metadata: METADATA,
    };
  },
};

export default pipeline;
