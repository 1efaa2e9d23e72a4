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
import { COUNT_FIELDS, HEADER, LIST_FIELDS, VALUE_CHECKS, byCommune, plmValues, countRecord, listRecord, type CountRow, type ListRow } from './project.js';

export const REJECT_SPLIT = 'commune scindée depuis : associations non attribuables';
const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));
const pipeline: SourcePipeline = {
  id: 'associations-rna',
  async run(ctx) {
    const { id } = ctx.source;
    const csv = (await expandInputs(ctx.files, ctx.workDir, (name) => /\.csv$/i.test(name))).map((f) => f.file);
    for (const file of csv) await checkExactHeader(id, file, HEADER);
    const { paths: files, originalOf, encodings } = await utf8Inputs(id, csv, ctx.workDir, (n) => ctx.progress.update('encodage des fichiers', n, csv.length));
    if (!files.length) throw new SourceError(id, ctx.files.join(', '), 'aucun fichier CSV du RNA parmi les entrées');
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, REJECT_SPLIT), 'rna_code_map');
    await stageScope(ctx.duckdb, ctx.scope);
    const list = id.endsWith('-liste');
    const texts = list ? "CASE WHEN position = 'A' THEN titre END AS titre, CASE WHEN position = 'A' THEN objet END AS objet, siteweb" : 'NULL AS titre, NULL AS objet, NULL AS siteweb';
    const placeholders = { texts, files: `[${files.map(sqlString).join(', ')}]`, columns: `{${HEADER.map((h) => `'${h}': 'VARCHAR'`).join(', ')}}`, plm: plmValues(ctx.referential) };
    ctx.progress.update('lecture DuckDB', 0);
    const staged = await runSqlScript(ctx.duckdb, sections('read', 'checks'), {
      placeholders, mapError: (e) => {
        const { line, file, message } = parseDuckdbCsvError(e);
        return new SourceError(id, file ? originalOf(file) : csv.join(', '), `lecture CSV impossible : ${message.split('\n')[0]}`, line);
      },
    });
    const counts = staged.get('checks')![0];
    for (const [name, check] of Object.entries(VALUE_CHECKS)) {
      if (!Number(counts[name])) continue;
      for (const file of files) {
        const found = await firstRecordWhere(file, HEADER, [check]);
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
    const sourceCodes = new Map(placed.get('sources')!.map((r) => [String(r.code), (r.codes as string[]).map(String)]));
    const stream = async function* () {
      try {
        const rows = (await ctx.duckdb.stream(fillSql(SQL.get(list ? 'list' : 'counts')!, placeholders))).yieldRowObjectJs();
        for await (const [code, group] of byCommune(rows as AsyncIterable<(CountRow & ListRow)[]>)) {
          yield list ? listRecord(code, group) : countRecord(code, group, sourceCodes.get(code));
        }
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
