/**
 * Agence du numérique en santé, Annuaire Santé « extraction en libre accès »
 * (sources-wave2 §4.2): `PS_LibreAcces_Personne_activite_*.txt`, `|`-separated
 * with a trailing `|`, one row per professional × activity site, read by the
 * names of its header. DuckDB reads the file once: checks, placement on a
 * commune (commune code, else a postal code of one commune) and the dedupe of
 * professionals in one aggregation, then writes each commune's record as JSON
 * text (stage.sql).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { expandInputs } from '../framework/geo/archive.js';
import { bindHeader } from '../framework/named-columns.js';
import { firstFailingLine, firstFailingSql, namedCellsSql } from '../framework/counted-checks.js';
import { csvReadError, toUtf8 } from '../framework/staged-csv.js';
import { fillSql, readSqlSections, runSqlScript, sqlString } from '../framework/sql-script.js';
import { sqlRecordTexts } from '../framework/sql-records.js';
import { afterStream } from '../framework/after-stream.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageScope } from '../framework/scope-sql.js';
import { stagePlm } from '../framework/plm-sql.js';
import { stagePostalCodes } from '../framework/postal-codes.js';
import { CHECKS, COLUMNS, FIELDS, FRANCE, GENERALISTES, MEDECIN, METADATA } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));

const pipeline: SourcePipeline = {
  id: 'professionnels-sante',
  async run(ctx) {
    const id = ctx.source.id;
    const files = await Promise.all((await expandInputs(ctx.files, ctx.workDir, (n) => /Personne_activite.*\.(txt|csv)$/i.test(n)))
      .map(({ file }) => toUtf8(file, ctx.source.encodage, ctx.workDir, id)));
    if (!files.length) throw new SourceError(id, ctx.files.join(', '), 'aucun fichier PS_LibreAcces_Personne_activite_*.txt');
    const headers = await Promise.all(files.map((f) => bindHeader(id, f, '|', Object.keys(COLUMNS))));
    const placeholders = {
      medecin: sqlString(MEDECIN), generalistes: GENERALISTES.map(sqlString).join(', '), france: FRANCE.map(sqlString).join(', '),
      cells: files.map((f, i) => namedCellsSql(f, headers[i], COLUMNS, i, '|', '')).join('\nUNION ALL\n'),
      defaut: firstFailingSql(CHECKS, `fichier * ${CHECKS.length} + `),
    };
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, 'commune scindée depuis la date de l\'extraction'), 'ps_code_map');
    await stagePostalCodes(ctx.duckdb, ctx.referential, 'ps_postal');
    await stagePlm(ctx.duckdb, ctx.referential, 'ps_plm');
    await stageScope(ctx.duckdb, ctx.scope);
    const cleanup = () => ctx.duckdb.run(SQL.get('cleanup')!);
    const read = await runSqlScript(ctx.duckdb, sections('lieux', 'read', 'defaut', 'accounting', 'rejected'), {
      placeholders, mapError: (e) => csvReadError(id, files.length === 1 ? files[0] : files.join(', '), e),
    }).catch(async (e: unknown) => { await cleanup(); throw e; });
    const defaut = read.get('defaut')![0].defaut as number | null;
    if (defaut !== null) {
      const f = Math.floor(defaut / CHECKS.length);
      await cleanup();
      throw await firstFailingLine(id, files[f], headers[f].names, CHECKS, '|', '');
    }
    const counts = read.get('accounting')![0];
    ctx.report.read(Number(counts.dans_le_perimetre));
    ctx.report.projected(Number(counts.attribuees));
    for (const r of read.get('rejected')!) ctx.report.rejected(r.motif as string, Number(r.n));
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
