/**
 * Base Adresse Nationale, legacy "csv" export (sources.md §1.2): per-commune summaries (stage.sql, project.ts)
 * and every address in the bulk table `ban_adresses`, from which the API streams `ban.csv` and `ban.geojson`.
 * National file (`adresses-france.csv.gz`, multi-member gzip) or per-département files, read in one pass:
 * DuckDB's GROUP BY while the same lines stream to the table (framework/aggregate-and-copy.ts).
 */
import { join } from 'node:path';
import { SourceError } from '../framework/errors.js';
import type { SourceContext, SourcePipeline } from '../framework/types.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageScope } from '../framework/scope-sql.js';
import { rejectedCodesNote, stageCommuneKey } from '../framework/rekey-keys.js';
import { BAN_TYPED_COLUMNS, BAN_VALUE_FORMATS, banReadCsv, checkBanHeader } from '../framework/ban-csv.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { AGGREGATION_MEMORY, withMemoryLimit } from '../framework/duckdb-memory.js';
import { csvError, locateBadValue } from '../framework/value-formats.js';
import { aggregateAndCopy } from '../framework/aggregate-and-copy.js';
import type { LineLayout } from '../framework/copy-lines.js';
import { ZoneLocator } from '../framework/geo/zone-locator.js';
import { BAN_COLUMNS } from '../../src/contract/ban.js';
import { BAN_TABLE } from '../../src/db/schema.js';
import { DEFINITIONS, FIELDS, REJECT_SPLIT, groupsOf, irisZone, projectGroups, type FormatChecks, type GroupRow } from './project.js';

const STAGE = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const LAYOUT: LineLayout = { columns: BAN_COLUMNS, delimiter: ';', key: 'code_insee', point: ['lon', 'lat'] };

const pipeline: SourcePipeline = {
  id: 'ban',
  dependsOn: ['iris-contours'],
  async run(ctx) {
    const { id: sourceId } = ctx.source;
    const files = ctx.files;
    for (const file of files) await checkBanHeader(sourceId, file);
    const mappings = codeMappings(ctx.referential, REJECT_SPLIT);
    await stageCodeMap(ctx.duckdb, mappings, 'ban_code_map');
    await stageCommuneKey(ctx.duckdb);
    await stageScope(ctx.duckdb, ctx.scope);
    const communeOf = new Map<string, string>();
    for (const m of mappings) if (m.commune) communeOf.set(m.source, m.commune);
    // The IRIS of the release, if loaded; their GeoJSON records are not kept once the locator is built (a GC-walked heap of millions of vertex arrays otherwise).
    const iris = await ctx.dataset('iris-contours');
    const locator = iris ? new ZoneLocator(iris, irisZone, (c) => ctx.referential.plmParent(c)) : undefined;

    const { result: { groups, checks }, copied } = await aggregateAndCopy(ctx, {
      table: BAN_TABLE, layout: LAYOUT, phase: 'agrégation et copie des adresses', noun: 'adresses',
      aggregate: () => stage(ctx),
      // Accepted rows only (known commune, in scope): the same filter as the GROUP BY's.
      accept: (code) => (code === null || !ctx.scope.includes(code) ? undefined : communeOf.get(code)),
      ...(locator ? { point: (commune: string, lon: number | null, lat: number | null) => locator.add(commune, lon, lat) } : {}),
    });
    if (Object.values(checks).some((n) => n > 0)) {
      const include = (row: Record<string, string>) => ctx.scope.includes(row.code_insee);
      throw await locateBadValue(sourceId, files, { ...LAYOUT, include }, BAN_VALUE_FORMATS, { ...checks });
    }
    ctx.report.read(groups.reduce((s, g) => s + (g.niveau === 1 ? g.adresses : 0), 0));

    const projection = projectGroups(groups, ctx.referential, { iris: locator });
    copied.agree(groups.filter((g) => g.niveau === 1 && !g.cle.startsWith('!')).map((g) => [g.cle, g.adresses] as const), projection.projected);
    ctx.report.projected(projection.projected);
    for (const [reason, n] of projection.rejected) ctx.report.rejected(reason, n);
    if (projection.rejectedCodes.size) ctx.report.note('codesRejetes', rejectedCodesNote(projection.rejectedCodes));
    ctx.report.note('adressesCopiees', copied.total);
    ctx.report.note('communes', projection.records.length);
    if (locator) ctx.report.note('communesAvecIris', locator.size);
    return { fields: FIELDS, communes: projection.records, metadata: { table: BAN_TABLE, definitions: DEFINITIONS } };
  },
};

/** The GROUP BY of stage.sql, memory-capped since the JS copy runs beside it (framework/duckdb-memory.ts). */
async function stage(ctx: SourceContext): Promise<{ groups: GroupRow[]; checks: FormatChecks }> {
  const { source: { id: sourceId }, files, duckdb } = ctx;
  const rows = await withMemoryLimit(duckdb, AGGREGATION_MEMORY, () => runSqlScript(duckdb, STAGE, {
    placeholders: { ban_csv: banReadCsv(files, BAN_TYPED_COLUMNS) },
    mapError: (error) => csvError(sourceId, files, LAYOUT, BAN_VALUE_FORMATS, error),
  }));
  return groupsOf(rows, (cle) => new SourceError(sourceId, files.join(', '), `caractère de contrôle dans une valeur de type_position ou source_* (commune ${cle})`));
}

export default pipeline;
