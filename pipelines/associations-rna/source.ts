/**
 * Répertoire national des associations, base Waldec (sources-wave2 §5): the monthly zip of
 * per-département CSVs, each file read in its own encoding (encoded-read.ts). Two
 * registry entries share this folder: `associations-rna` (counts, aggregated upwards) and
 * `associations-rna-liste` (the list of active associations, `pipeline: associations-rna`).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { expandInputs } from '../framework/geo/archive.js';
import { checkExactHeader } from '../framework/declared-csv.js';
import { encodingCounts, nodeEncoding, readInTheirEncodings } from '../framework/encoded-read.js';
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
    if (!csv.length) throw new SourceError(id, ctx.files.join(', '), 'aucun fichier CSV du RNA parmi les entrées');
    for (const file of csv) await checkExactHeader(id, file, HEADER);
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, REJECT_SPLIT), 'rna_code_map');
    await stageScope(ctx.duckdb, ctx.scope);
    const list = id.endsWith('-liste');
    const texts = list ? "CASE WHEN position = 'A' THEN titre END AS titre, CASE WHEN position = 'A' THEN objet END AS objet, siteweb" : 'NULL AS titre, NULL AS objet, NULL AS siteweb';
    const placeholders = { texts, columns: `{${HEADER.map((h) => `'${h}': 'VARCHAR'`).join(', ')}}`, plm: plmValues(ctx.referential), couverture: COVERAGE_SQL, droit_local: DROIT_LOCAL_SQL };
    ctx.progress.update('lecture DuckDB', 0);
    await ctx.duckdb.run(SQL.get('create')!);
    const { encodings } = await readInTheirEncodings(ctx.duckdb, id, csv, {
      table: 'rna_brut', texts: list ? ['titre', 'objet', 'siteweb'] : [], workDir: ctx.workDir,
      readSql: (files, encoding, utf8) => fillSql(SQL.get('read')!, { ...placeholders, encoding, utf8, files: `[${files.map(sqlString).join(', ')}]` }),
      mapError: (e, originalOf) => {
        const { line, file, message } = parseDuckdbCsvError(e);
        return new SourceError(id, file ? originalOf(file) : csv.join(', '), `lecture CSV impossible : ${message.split('\n')[0]}`, line);
      },
    });
    const counts = (await runSqlScript(ctx.duckdb, sections('checks'), { placeholders })).get('checks')![0];
    for (const [name, check] of Object.entries(VALUE_CHECKS)) {
      if (!Number(counts[name])) continue;
      for (const file of csv) {
        const found = await firstRecordWhere(file, HEADER, [check], ';', nodeEncoding(encodings.get(file)!));
        if (found) throw new SourceError(id, file, `valeur « ${found.value} » inattendue (attendu : ${check.expected})`, found.line, check.column);
      }
    }
    const placed = await runSqlScript(ctx.duckdb, sections('keyed', 'accounting', 'rejects', 'placed', 'sources'), { placeholders });
    const totals = placed.get('accounting')![0];
    ctx.report.read(Number(totals.lues));
    ctx.report.projected(Number(totals.projetees));
    for (const r of placed.get('rejects')!) ctx.report.rejected(String(r.motif), Number(r.n));
    ctx.report.note('lignesRecodees', Number(totals.recodees));
    ctx.report.note('fichiers', Object.entries(encodingCounts(encodings)).map(([e, n]) => `${n} en ${e}`).join(', '));
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
      metadata: { encodages: encodingCounts(encodings), nomenclatureWaldec: 'non fournie : les thèmes sont donnés par leur code objet_social1 ; leurs libellés, communs à toutes les communes, iront ici une fois la nomenclature trouvée, pas dans chaque ligne' },
    };
  },
};

export default pipeline;
