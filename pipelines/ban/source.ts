/**
 * Base Adresse Nationale, legacy "csv" export (sources.md §1.2): per-commune
 * summaries (addresses, voies, lieux-dits, certification, postal codes, position
 * types and sources, commune-déléguée breakdown, PLM roll-up, IRIS counts when
 * the IRIS contours are in the release) and every address in the bulk table
 * `ban_adresses`, from which the API streams `ban.csv` and `ban.geojson`.
 *
 * Reads a national file (`adresses-france.csv.gz`, multi-member gzip) or
 * per-département files; `--departement` filters rows on the commune code.
 */
import { GateError, SourceError } from '../framework/errors.js';
import type { SourceContext, SourcePipeline } from '../framework/types.js';
import type { FieldSchema } from '../../src/contract/dataset.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { departementOf } from '../../src/domain/codes.js';
import { REJECT_SPLIT } from './project.js';
import { checkBanHeader } from '../framework/ban-csv.js';
import { BAN_COLUMNS } from '../../src/contract/ban.js';
import { IrisLocator } from './iris.js';
import { projectGroups } from './project.js';
import { aggregate, locateBadValue } from './stage.js';
import { banCopyText } from './read.js';
import { BAN_TABLE } from '../../src/db/schema.js';


/** Columns of `ban.csv` (the export's own), for the pack's datapackage.json. */
export const FIELDS: FieldSchema[] = BAN_COLUMNS.map((name) => {
  const type: FieldSchema['type'] = name === 'numero' || name === 'certification_commune' ? 'integer'
    : ['x', 'y', 'lon', 'lat'].includes(name) ? 'number' : 'string';
  const descriptions: Partial<Record<string, string>> = {
    id: "Clé d'interopérabilité <INSEE>_<voie>_<numéro>[_<suffixe>]",
    code_insee: 'Commune (arrondissement municipal pour Paris, Lyon, Marseille)',
    code_insee_ancienne_commune: 'Commune déléguée ou associée',
    x: 'Abscisse en projection légale du territoire (Lambert-93 en métropole)',
    y: 'Ordonnée en projection légale du territoire',
    lon: 'Longitude WGS84', lat: 'Latitude WGS84',
    certification_commune: '1 si l’adresse est certifiée par la commune',
    cad_parcelles: 'Parcelles cadastrales, séparées par |',
  };
  return { name, type, ...(descriptions[name] ? { description: descriptions[name] } : {}) };
});

/** The IRIS of the release, if loaded; their GeoJSON records are not kept once the locator is built (a GC-walked heap of millions of vertex arrays otherwise). */
async function irisLocator(ctx: SourceContext): Promise<IrisLocator | undefined> {
  const records = await ctx.dataset('iris-contours');
  return records ? new IrisLocator(records, (c) => ctx.referential.plmParent(c)) : undefined;
}

const pipeline: SourcePipeline = {
  id: 'ban',
  dependsOn: ['iris-contours'],
  async run(ctx) {
    const sourceId = ctx.source.id;
    const scope = { files: ctx.files, departements: ctx.departements };
    for (const file of ctx.files) await checkBanHeader(sourceId, file);

    const mappings = codeMappings(ctx.referential, REJECT_SPLIT);
    await stageCodeMap(ctx.duckdb, mappings, 'ban_code_map');

    const locator = await irisLocator(ctx);
    const communeOf = new Map<string, string>();
    for (const m of mappings) if (m.commune) communeOf.set(m.source, m.commune);

    // The GROUP BY runs in DuckDB while the lines stream to the bulk table from a JS reader of the same bytes (read.ts says why).
    ctx.progress.update('agrégation et copie des adresses', 0);
    const aggregation = aggregate(ctx.duckdb, sourceId, scope);
    // A format error found by DuckDB stops the copy at once instead of after the last row.
    let aggregationFailed: unknown;
    aggregation.catch((error: unknown) => { aggregationFailed = error; });
    const inScope = ctx.departements.length ? new Set(ctx.departements) : undefined;
    const streamedPerCommune = new Map<string, number>();
    let streamed = 0;
    let reported = 0;
    const progress = ctx.progress;
    // Accepted rows only (known commune, in scope): the same filter as the GROUP BY's.
    const text = banCopyText(sourceId, ctx.files, ctx.bulk.loadId, {
      accept: (code) => (code === null || (inScope && !inScope.has(departementOf(code))) ? undefined : communeOf.get(code)),
      counted(commune, n) {
        streamedPerCommune.set(commune, (streamedPerCommune.get(commune) ?? 0) + n);
        streamed += n;
      },
      ...(locator ? { point: (commune: string, lon: number | null, lat: number | null) => locator.add(commune, lon, lat) } : {}),
    });
    async function* checked(): AsyncGenerator<Buffer> {
      for await (const chunk of text) {
        if (aggregationFailed) throw aggregationFailed;
        if (streamed - reported >= 250_000) progress.update('agrégation et copie des adresses', (reported = streamed));
        yield chunk;
      }
    }
    try {
      await ctx.bulk.copyCsv(BAN_TABLE, ['load_id', ...BAN_COLUMNS], checked(), { delimiter: ';' });
    } catch (error) {
      // A broken line is named by both readers: DuckDB's message is the reference one.
      if (!(error instanceof SourceError)) ctx.duckdb.interrupt();
      const duck = await aggregation.then(() => undefined, (e: unknown) => e);
      throw duck instanceof SourceError ? duck : error;
    }
    const { groups, checks } = await aggregation;
    if (Object.values(checks).some((n) => n > 0)) throw await locateBadValue(sourceId, scope, checks);
    const read = groups.reduce((s, g) => s + (g.niveau === 1 ? g.adresses : 0), 0);
    ctx.report.read(read);

    const projection = projectGroups(groups, ctx.referential, { iris: locator });
    // Two readers of the same bytes must agree, commune by commune.
    for (const g of groups) {
      if (g.niveau !== 1 || g.cle.startsWith('!')) continue;
      const n = streamedPerCommune.get(g.cle) ?? 0;
      if (n !== g.adresses) throw new GateError(sourceId, 'adresses copiées', `commune ${g.cle}: ${n} adresses copiées, ${g.adresses} comptées par DuckDB`);
    }
    if (streamed !== projection.projected) {
      throw new GateError(sourceId, 'adresses copiées', `${streamed} adresses copiées, ${projection.projected} comptées par commune`);
    }
    ctx.report.projected(projection.projected);
    for (const [reason, n] of projection.rejected) ctx.report.rejected(reason, n);
    if (projection.rejectedCodes.size) {
      const list = [...projection.rejectedCodes].sort((a, b) => b[1] - a[1]).slice(0, 20).map(([c, n]) => `${c || '(vide)'} (${n})`).join(', ');
      ctx.report.note('codesRejetes', list);
    }
    ctx.report.note('adressesCopiees', streamed);
    ctx.report.note('communes', projection.records.length);
    if (locator) ctx.report.note('communesAvecIris', locator.size);

    return {
      fields: FIELDS,
      communes: projection.records,
      metadata: {
        table: BAN_TABLE,
        definitions: {
          voies: 'voies distinctes: id_fantoir, ou à défaut nom de voie dans la commune (et la commune déléguée)',
          lieuxDits: 'valeurs distinctes de nom_ld',
          partCertifiee: 'part des adresses avec certification_commune = 1',
          iris: 'adresses par IRIS (point dans polygone, contours IRIS de la release)',
        },
      },
    };
  },
};

export default pipeline;
