/**
 * Répertoire national des associations, base Waldec (sources-wave2 §5): the monthly zip of
 * per-département CSVs, each file's encoding decided from its bytes (file-encoding.ts). Two
 * registry entries share this folder: `associations-rna` (counts, aggregated upwards) and
 * `associations-rna-liste` (the list of active associations, `pipeline: associations-rna`).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { expandInputs } from '../framework/geo/archive.js';
import { checkExactHeader } from '../framework/declared-csv.js';
import { utf8Inputs } from '../framework/file-encoding.js';
import { firstRecordWhere } from '../framework/record-scan.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageScope } from '../framework/scope-sql.js';
import { fillSql, readSqlSections, runSqlScript, sqlString } from '../framework/sql-script.js';
import { SourceError } from '../framework/errors.js';
import { parseDuckdbCsvError } from '../framework/duckdb-csv-error.js';
import { sqlCommuneLists, sqlRecordsAsIs } from '../framework/sql-record-lists.js';
import { COUNT_FIELDS, COVERAGE_SQL, DROIT_LOCAL_SQL, HEADER, LIST_FIELDS, VALUE_CHECKS, plmValues } from './project.js';

export const REJECT_SPLIT = 'commune scindée depuis : associations non attribuables';
const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));
const pipeline: SourcePipeline = {
  id: 'associations-rna',
  async run(ctx) {
    const { id } = ctx.source;
    const csv = (await expandInputs(ctx.files, ctx.workDir, (name) => /\.csv$/i.test(name))).map((f) => f.file);
    for (const file of csv) await checkExactHeader(id, file, HEADER);
    const { paths, latin1Paths, originalOf, encodings } = await utf8Inputs(id, csv, ctx.workDir, (n) => ctx.progress.update('encodage des fichiers', n, csv.length));
    const files = [...paths, ...latin1Paths];
    if (!files.length) throw new SourceError(id, ctx.files.join(', '), 'aucun fichier CSV du RNA parmi les entrées');
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, REJECT_SPLIT), 'rna_code_map');
    await stageScope(ctx.duckdb, ctx.scope);
    const list = id.endsWith('-liste');
    const texts = list ? "CASE WHEN position = 'A' THEN titre END AS titre, CASE WHEN position = 'A' THEN objet END AS objet, siteweb" : 'NULL AS titre, NULL AS objet, NULL AS siteweb';
    const placeholders = { texts, columns: `{${HEADER.map((h) => `'${h}': 'VARCHAR'`).join(', ')}}`, plm: plmValues(ctx.referential), couverture: COVERAGE_SQL, droit_local: DROIT_LOCAL_SQL };
    ctx.progress.update('lecture DuckDB', 0);
    await ctx.duckdb.run(SQL.get('create')!);
    for (const [encoding, group] of [['utf-8', paths], ['latin-1', latin1Paths]] as const) {
      if (!group.length) continue;
      await runSqlScript(ctx.duckdb, sections('read'), {
        placeholders: { ...placeholders, encoding, files: `[${group.map(sqlString).join(', ')}]` }, mapError: (e) => {
          const { line, file, message } = parseDuckdbCsvError(e);
          return new SourceError(id, file ? originalOf(file) : csv.join(', '), `lecture CSV impossible : ${message.split('\n')[0]}`, line);
        },
      });
    }
    const counts = (await runSqlScript(ctx.duckdb, sections('checks'), { placeholders })).get('checks')![0];
    for (const [name, check] of Object.entries(VALUE_CHECKS)) {
      if (!Number(counts[name])) continue;
      for (const file of files) {
        const found = await firstRecordWhere(file, HEADER, [check], ';', latin1Paths.includes(file) ? 'latin1' : 'utf8');
        if (found) throw new SourceError(id, originalOf(file), `valeur « ${found.value} » inattendue (attendu : ${check.expected})`, found.line, check.column);
      }
    }
    const placed = await runSqlScript(ctx.duckdb, sections('keyed', 'accounting', 'rejects', 'placed', 'sources'), { placeholders });
    const totals = placed.get('accounting')![0];
    ctx.report.read(Number(totals.lues));
    ctx.report.projected(Number(totals.projetees));
    for (const r of placed.get('rejects')!) ctx.report.rejected(String(r.motif), Number(r.n));
    ctx.report.note('lignesRecodees', Number(totals.recodees));
    ctx.report.note('fichiers', Object.entries(encodings).map(([e, n]) => `${n} en ${e}`).join(', '));
    const sql = (name: string) => fillSql(SQL.get(name)!, placeholders);
    const stream = async function* () {
      try {
        yield* list ? sqlCommuneLists(ctx.duckdb, sqlRecordsAsIs(ctx.duckdb, sql('list_data')), sql('list')) : sqlRecordsAsIs(ctx.duckdb, sql('counts'));
      } finally {
        await ctx.duckdb.run(SQL.get('cleanup')!);
      }
    };
    return {
      fields: list ? LIST_FIELDS : COUNT_FIELDS,
      communes: stream(),
      metadata: { encodages: encodings, nomenclatureWaldec: 'non fournie : les thèmes sont donnés par leur code objet_social1, sans libellé' },
    };
  },
};

export default pipeline;
