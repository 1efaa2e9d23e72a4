/**
 * INSEE Base permanente des équipements (sources.md §4.4): one row per
 * equipment, read by the names of the edition's header, with the edition's
 * nomenclature (varmod file) for labels, domains and the santé codes.
 * DuckDB counts per commune and type (stage.sql); points are streamed one
 * commune at a time into GeoJSON features.
 */
import { basename, join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { expandInputs } from '../framework/geo/archive.js';
import { headerHas, stageNamedColumns } from '../framework/named-columns.js';
import { readVarmod } from '../framework/insee-varmod.js';
import { communeCodeCheck, numericCheck, toUtf8 } from '../framework/staged-csv.js';
import { readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageScope } from '../framework/scope-sql.js';
import { stagePlm } from '../framework/plm-sql.js';
import { codeListCheck, stageCodeList } from '../framework/code-list.js';
import { streamPoints } from '../framework/point-stream.js';
import { featuresByCommune, recordsWithFeatures } from '../framework/features-by-commune.js';
import { communeRecord, FIELDS, METADATA, plmSums, pointFeature, santeCodes, tally, type Nomenclature } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const COLUMNS = { DEPCOM: 'depcom', TYPEQU: 'typequ', AN: 'an', LONGITUDE: 'longitude', LATITUDE: 'latitude', LAMBERT_X: 'lambert_x', LAMBERT_Y: 'lambert_y', EPSG: 'epsg', QUALITE_XY: 'qualite_xy' };
const COORDINATES = ['LONGITUDE', 'LATITUDE', 'LAMBERT_X', 'LAMBERT_Y'];

const pipeline: SourcePipeline = {
  id: 'equipements-bpe',
  async run(ctx) {
    const id = ctx.source.id;
    const files = await Promise.all((await expandInputs(ctx.files, ctx.workDir, (n) => /\.(csv|txt)$/i.test(n)))
      .map(({ file }) => toUtf8(file, ctx.source.encodage, ctx.workDir, id)));
    const varmod: string[] = [];
    const data: string[] = [];
    for (const f of files) ((await headerHas(f, ';', ['COD_VAR', 'COD_MOD'])) ? varmod : data).push(f);
    if (!varmod.length || !data.length) throw new SourceError(id, ctx.files.join(', '), `fichier ${varmod.length ? 'des équipements' : 'de nomenclature (varmod) de l\'édition'} absent : il faut les deux`);
    const modalities = await readVarmod(id, varmod[0]);
    const typequ = modalities.get('TYPEQU') ?? new Map();
    const sante = santeCodes(typequ);
    if (!('ok' in sante)) throw new SourceError(id, varmod[0], sante.problem, sante.line, sante.line ? 'LIB_MOD' : undefined);
    const nomenclature: Nomenclature = { typequ, domaines: modalities.get('DOM') ?? new Map(), sante: sante.ok };

    await ctx.duckdb.run('DROP TABLE IF EXISTS bpe');
    await stageCodeList(ctx.duckdb, 'bpe_typequ', typequ.keys());
    for (const file of data) {
      await stageNamedColumns(ctx.duckdb, id, file, 'bpe', {
        delimiter: ';', columns: COLUMNS, required: ['DEPCOM', 'TYPEQU'],
        checks: (at) => [communeCodeCheck(at('DEPCOM')!), codeListCheck(at('TYPEQU')!, 'bpe_typequ', 'type d\'équipement absent de la nomenclature'),
          ...COORDINATES.filter((c) => at(c) !== undefined).map((c) => numericCheck(at(c)!, []))],
      });
    }
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, 'commune scindée depuis le millésime de la BPE'), 'bpe_code_map');
    await stageScope(ctx.duckdb, ctx.scope);
    await stagePlm(ctx.duckdb, ctx.referential, 'bpe_plm');
    const { points, cleanup, ...rest } = Object.fromEntries(SQL);
    const result = await runSqlScript(ctx.duckdb, new Map(Object.entries(rest)));
    const { counts, projected, rejected } = tally(result.get('counts')!, result.get('rejected')!);
    ctx.report.read(projected + [...rejected.values()].reduce((s, n) => s + n, 0));
    ctx.report.projected(projected);
    for (const [motif, n] of rejected) ctx.report.rejected(motif, n);
    const outside = Number(result.get('outside')![0].n);
    if (outside) ctx.report.note('hors des départements demandés', outside);
    plmSums(counts, ctx.referential);
    const stream = streamPoints(ctx.duckdb, points, cleanup, (row, position) => pointFeature(row, position, nomenclature));
    const features = featuresByCommune(stream, (c) => ctx.referential.plmParent(c));
    return {
      millesime: (result.get('millesime')![0].an as string | null) ?? undefined,
      fields: FIELDS,
      communes: recordsWithFeatures([...counts.keys()].sort(), features, (code, list) => communeRecord(code, counts.get(code)!, nomenclature, list)),
      metadata: { ...METADATA, nomenclature: basename(varmod[0]), domaines: [...nomenclature.domaines.values()].map(({ code, libelle }) => ({ code, libelle })), sante: nomenclature.sante },
    };
  },
};

export default pipeline;
