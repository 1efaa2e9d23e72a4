/**
 * INSEE Base permanente des équipements (sources.md §4.4): one row per
 * equipment, CSV or parquet, read by the names of the edition's columns, with
 * the edition's nomenclature (varmod file) for labels, domains and the santé
 * codes. DuckDB builds each commune's record, points included, as JSON text
 * (stage.sql); only coordinates given in a projection are converted in JS.
 */
import { basename, join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { SourceError } from '../framework/errors.js';
import { expandInputs } from '../framework/geo/archive.js';
import { headerHas } from '../framework/named-columns.js';
import { isParquet, stageCheckedColumns } from '../framework/checked-stage.js';
import { readVarmod } from '../framework/insee-varmod.js';
import { communeCodeCheck, formatCheck, numericCheck, toUtf8 } from '../framework/staged-csv.js';
import { fillSql, readSqlSections, runSqlScript } from '../framework/sql-script.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageCommuneKey } from '../framework/rekey-keys.js';
import { stagePlm } from '../framework/plm-sql.js';
import { codeListCheck } from '../framework/code-list.js';
import { stageLabels } from '../framework/label-table.js';
import { reprojectRows } from '../framework/reproject-sql.js';
import { batchedCommuneRecords } from '../framework/batched-records.js';
import { afterStream } from '../framework/after-stream.js';
import { fields, metadata, santeCodes, santeSql, type Nomenclature } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const COLUMNS = { DEPCOM: 'depcom', TYPEQU: 'typequ', AN: 'an', LONGITUDE: 'longitude', LATITUDE: 'latitude', LAMBERT_X: 'lambert_x', LAMBERT_Y: 'lambert_y', EPSG: 'epsg', QUALITE_XY: 'qualite_xy' };
/** LONGITUDE/LATITUDE go into the GeoJSON as written: a JSON number, decimal comma allowed. */
const WGS84 = ['LONGITUDE', 'LATITUDE'];
const PROJECTED = ['LAMBERT_X', 'LAMBERT_Y'];
const SPLIT = 'commune scindée depuis le millésime de la BPE';

const pipeline: SourcePipeline = {
  id: 'equipements-bpe',
  async run(ctx) {
    const id = ctx.source.id;
    const files = await Promise.all((await expandInputs(ctx.files, ctx.workDir, (n) => /\.(csv|txt|parquet)$/i.test(n)))
      .map(({ file }) => (isParquet(file) ? file : toUtf8(file, ctx.source.encodage, ctx.workDir, id))));
    const varmod: string[] = [];
    const data: string[] = [];
    for (const f of files) (!isParquet(f) && (await headerHas(f, ';', ['COD_VAR', 'COD_MOD'])) ? varmod : data).push(f);
    if (!varmod.length || !data.length) throw new SourceError(id, ctx.files.join(', '), `fichier ${varmod.length ? 'des équipements' : 'de nomenclature (varmod) de l\'édition'} absent : il faut les deux`);
    const modalities = await readVarmod(id, varmod[0]);
    const typequ = modalities.get('TYPEQU') ?? new Map();
    const sante = santeCodes(typequ);
    if (!('ok' in sante)) throw new SourceError(id, varmod[0], sante.problem, sante.line, sante.line ? 'LIB_MOD' : undefined);
    const nomenclature: Nomenclature = { typequ, domaines: modalities.get('DOM') ?? new Map(), sante: sante.ok };

    await ctx.duckdb.run('DROP TABLE IF EXISTS bpe');
    await stageLabels(ctx.duckdb, 'bpe_typequ', typequ.values());
    for (const file of data) {
      await stageCheckedColumns(ctx.duckdb, id, file, 'bpe', {
        delimiter: ';', columns: COLUMNS, required: ['DEPCOM', 'TYPEQU'],
        checks: (at) => [communeCodeCheck(at('DEPCOM')!), codeListCheck(at('TYPEQU')!, 'bpe_typequ', 'type d\'équipement absent de la nomenclature'),
          ...WGS84.filter((c) => at(c) !== undefined).map((c) => formatCheck(at(c)!, '-?(0|[1-9][0-9]*)([.,][0-9]+)?([eE][+-]?[0-9]+)?', 'nombre décimal')),
          ...PROJECTED.filter((c) => at(c) !== undefined).map((c) => numericCheck(at(c)!, []))],
      });
    }
    await stageCodeMap(ctx.duckdb, codeMappings(ctx.referential, SPLIT), 'bpe_code_map');
    await stageCommuneKey(ctx.duckdb);
    await stagePlm(ctx.duckdb, ctx.referential, 'bpe_plm');
    const cleanup = () => ctx.duckdb.run(SQL.get('cleanup')!);
    const sections = (...names: string[]) => new Map(names.map((n) => [n, fillSql(SQL.get(n)!, { sante: santeSql(nomenclature.sante), premier: '{{premier}}', dernier: '{{dernier}}' })]));
    let staged: Map<string, Record<string, unknown>[]>;
    try {
      staged = await runSqlScript(ctx.duckdb, sections('keyed', 'millesime'));
      if (await reprojectRows(ctx.duckdb, SQL.get('lambert')!, 'bpe_proj')) await ctx.duckdb.run(SQL.get('reprojected')!);
      for (const [name, rows] of await runSqlScript(ctx.duckdb, sections('communes', 'lots'))) staged.set(name, rows);
    } catch (e) { await cleanup(); throw e; }
    const lots = staged.get('lots')!.map((r) => ({ premier: String(r.premier), dernier: String(r.dernier) }));
    const records = batchedCommuneRecords(ctx.duckdb, sections('records').get('records')!, lots, ctx, SPLIT);
    return {
      millesime: (staged.get('millesime')![0].an as string | null) ?? undefined,
      fields: fields(nomenclature),
      communes: afterStream(records, cleanup),
      metadata: metadata(nomenclature, basename(varmod[0])),
    };
  },
};

export default pipeline;
