/**
 * ARCEP « Mon réseau mobile » sites (sources.md §5): per commune and operator,
 * the number of sites and those carrying 2G, 3G, 4G, 5G (and 5G 3.5 GHz,
 * « zone blanche » and DCC programmes). Metropole and overseas files together.
 *
 * DuckDB reads both files with the declared columns (flags and coordinates
 * typed, so a value that does not convert stops the run with its line and
 * column) and groups by commune code and operator (stage.sql); the commune
 * codes are normalised, filtered by the run's scope, re-keyed onto the
 * release's COG, and project.ts builds the records.
 */
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { checkExactHeader, conversionError, readDeclaredCsvSql, type DuckdbType } from '../framework/declared-csv.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { rekey } from '../framework/rekey.js';
import { normaliseCommuneCode } from '../../src/domain/codes.js';
import { addGroup, communeRecords, FIELDS, METADATA, quarterOf, type Communes } from './project.js';

export const SITES_COLUMNS = [
  'code_op', 'nom_op', 'num_site', 'id_site_partage', 'id_station_anfr', 'x', 'y', 'latitude', 'longitude', 'nom_reg', 'nom_dep',
  'insee_dep', 'nom_com', 'insee_com', 'site_2g', 'site_3g', 'site_4g', 'site_5g', 'mes_4g_trim', 'site_ZB', 'site_DCC',
  'site_strategique', 'site_capa_240mbps', 'date_ouverturecommerciale_5g', 'site_5g_700_m_hz', 'site_5g_800_m_hz',
  'site_5g_1800_m_hz', 'site_5g_2100_m_hz', 'site_5g_3500_m_hz',
] as const;
const FLAGS: string[] = ['site_2g', 'site_3g', 'site_4g', 'site_5g', 'mes_4g_trim', 'site_ZB', 'site_DCC', 'site_strategique', 'site_capa_240mbps',
  'site_5g_700_m_hz', 'site_5g_800_m_hz', 'site_5g_1800_m_hz', 'site_5g_2100_m_hz', 'site_5g_3500_m_hz'];
const NUMBERS: string[] = ['x', 'y', 'latitude', 'longitude'];
const TYPES = SITES_COLUMNS.map((c): [string, DuckdbType] => [c, FLAGS.includes(c) ? 'UTINYINT' : NUMBERS.includes(c) ? 'DOUBLE' : 'VARCHAR']);
const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));

const pipeline: SourcePipeline = {
  id: 'arcep-sites',
  async run(ctx) {
    const sourceId = ctx.source.id;
    for (const f of ctx.files) await checkExactHeader(sourceId, f, SITES_COLUMNS);
    const groups = (await runSqlScript(ctx.duckdb, SQL, {
      placeholders: { sites: readDeclaredCsvSql(ctx.files, TYPES), any_flag_above_1: FLAGS.map((f) => `${f} > 1`).join(' OR ') },
      mapError: (error) => conversionError(sourceId, ctx.files, error, (column) => (FLAGS.includes(column) ? '0 ou 1' : 'nombre')),
    })).get('sites')!;
    const bad = groups.reduce((s, g) => s + Number(g.bad_flags) + Number(g.sans_operateur), 0);
    if (bad) throw new SourceError(sourceId, ctx.files.join(', '), `${bad} ligne(s) avec un indicateur site_* hors de 0/1 ou sans code_op`);

    const byCommune: Communes = new Map();
    let read = 0;
    let projected = 0;
    let outOfScope = 0;
    for (const g of groups) {
      const n = Number(g.sites);
      const code = normaliseCommuneCode(g.insee_com);
      if (code && !ctx.scope.includes(code)) {
        outOfScope += n;
        continue;
      }
      read += n;
      if (!code) {
        ctx.report.rejected('code commune absent ou invalide', n);
        continue;
      }
      const target = rekey(code, ctx.referential);
      if (!target.ok) {
        ctx.report.rejected(target.reason, n);
        continue;
      }
      projected += n;
      addGroup(byCommune, target.code, g);
    }
    ctx.report.read(read);
    ctx.report.projected(projected);
    if (outOfScope) ctx.report.note('hors des départements demandés', outOfScope);
    const trimestre = quarterOf(ctx.files);
    return { millesime: trimestre, fields: FIELDS, communes: communeRecords(byCommune, ctx.referential, trimestre), metadata: METADATA };
  },
};

export default pipeline;
