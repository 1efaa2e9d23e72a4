/**
 * Indice ATMO per commune (Atmo France and the regional AASQA, ODbL;
 * sources-wave2 §3), in the producer's CSV layout: one row per zone and day,
 * `type_zone` commune (INSEE code) or EPCI (SIREN, projected onto the member
 * communes). Published per commune for the last complete year: days per index
 * class and the pollutants that set the index. The download needs an account:
 * the registry names the environment variable of the token (framework/credentials.ts).
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { expandInputs } from '../framework/geo/archive.js';
import { stageNamedColumns } from '../framework/named-columns.js';
import { formatCheck, toUtf8 } from '../framework/staged-csv.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageScope } from '../framework/scope-sql.js';
import { stageEpciMembers } from '../framework/epci-sql.js';
import { communeRecords, FIELDS, lastCompleteYear, METADATA } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const sections = (...names: string[]) => new Map(names.map((n) => [n, SQL.get(n)!]));
const INDICES = ['code_qual', 'code_no2', 'code_so2', 'code_o3', 'code_pm10', 'code_pm25'];
const COLUMNS = Object.fromEntries(['date_ech', 'lib_qual', 'type_zone', 'code_zone', ...INDICES].map((c) => [c, c]));
/** CSV exports write `12/6/2024 12:00:00 AM`, WFS and the API ISO dates. */
const date = (col: string) => `coalesce(try_strptime(${col}, '%m/%d/%Y %I:%M:%S %p'), TRY_CAST(left(${col}, 10) AS DATE))::DATE`;

const pipeline: SourcePipeline = {
  id: 'qualite-air-atmo',
  async run(ctx) {
    const id = ctx.source.id;
    const files = await Promise.all((await expandInputs(ctx.files, ctx.workDir, (n) => /\.csv$/i.test(n)))
      .map(({ file }) => toUtf8(file, ctx.source.encodage, ctx.workDir, id)));
    if (files.length !== 1) throw new SourceError(id, ctx.files.join(', '), `un fichier CSV de l'indice attendu, ${files.length} trouvé(s)`);
    await ctx.duckdb.run('DROP TABLE IF EXISTS atmo');
    await stageNamedColumns(ctx.duckdb, id, files[0], 'atmo', {
      delimiter: ',', columns: COLUMNS, required: Object.keys(COLUMNS),
      checks: (at) => [
        { sql: `(${date(`c${at('date_ech')}`)} IS NULL)`, column: at('date_ech')!, problem: 'date illisible' },
        formatCheck(at('type_zone')!, '(?i)commune|epci', 'type_zone (commune ou EPCI)'),
        formatCheck(at('code_zone')!, '[0-9]{4,5}|2[AB][0-9]{3}|[0-9]{9}', 'code_zone (code commune ou SIREN)'),
        ...INDICES.map((c) => formatCheck(at(c)!, '[0-7]', `${c} (0 à 7)`)),
      ],
    });
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, 'commune scindée depuis'), 'atmo_code_map');
    await stageEpciMembers(ctx.duckdb, ctx.referential, 'atmo_epci');
    await stageScope(ctx.duckdb, ctx.scope);
    const placeholders = { date: date('a.date_ech') };
    const placed = await runSqlScript(ctx.duckdb, sections('place', 'accounting', 'rejected'), { placeholders });
    const counts = placed.get('accounting')![0];
    ctx.report.read(Number(counts.dans_le_perimetre));
    ctx.report.projected(Number(counts.attribuees));
    for (const r of placed.get('rejected')!) ctx.report.rejected(r.motif as string, Number(r.n));
    ctx.report.note('lignesParEpci', Number(counts.par_epci));
    if (Number(counts.lues) > Number(counts.dans_le_perimetre)) ctx.report.note('hors des départements demandés', Number(counts.lues) - Number(counts.dans_le_perimetre));
    const last = counts.dernier_jour ? String(counts.dernier_jour) : undefined;
    if (!last) throw new SourceError(id, files[0], 'aucune ligne attribuable à une commune');
    const annee = lastCompleteYear(last);
    const year = await runSqlScript(ctx.duckdb, sections('days', 'classes', 'pollutants', 'zones', 'cleanup'), { params: { annee } });
    const s = { classes: year.get('classes')!, pollutants: year.get('pollutants')!, zones: year.get('zones')! };
    return {
      millesime: String(annee), fields: FIELDS,
      communes: communeRecords(s, annee, (siren) => ctx.referential.epci.get(siren)?.nom),
      metadata: { ...METADATA, dernierJour: last },
    };
  },
};

export default pipeline;
