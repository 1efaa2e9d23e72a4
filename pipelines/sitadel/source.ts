/**
 * Sitadel (SDES, sources-wave2 §8): the four monthly lists of building
 * authorisations, any of them, in their current layout (two header lines,
 * bound on the codes line). Per commune: the list and its counts per year,
 * list and état; REG_CODE is the pre-2016 région, so the région comes from the COG.
 */
import { basename, join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { checkExactHeader } from '../framework/declared-csv.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import { fillSql, readSqlSections } from '../framework/sql-script.js';
import { csvError, locateBadValue } from '../framework/value-formats.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageCommuneKey } from '../framework/rekey-keys.js';
import { sqlCommuneRecords } from '../framework/sql-records.js';
import { sqlCommuneLists } from '../framework/sql-record-lists.js';
import { stageCogCommunes } from '../framework/commune-table.js';
import { SourceError } from '../framework/errors.js';
import { FIELDS, formats, layoutOf, legacyColumns, MEASURES_SQL, metadataOf, ROW_SQL, SUMS_SQL, type Layout, type Liste } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const SPLIT = 'commune scindée depuis : autorisation non attribuable';
const TYPED: Record<string, string> = { AN_DEPOT: 'BIGINT', SUPERFICIE_TERRAIN: 'BIGINT', DATE_REELLE_AUTORISATION: 'DATE', DATE_REELLE_DOC: 'DATE', DATE_REELLE_DAACT: 'DATE' };
const typeOf = (c: string, l: Layout) => TYPED[c] ?? (c === l.etat ? 'UTINYINT' : /^(NB_LGT|SURF)_/.test(c) ? 'BIGINT' : 'VARCHAR');

/** Which list a file is, from its codes line; an older edition's layout is refused naming the columns it has. */
function layoutOfFile(sourceId: string, file: string): Layout {
  const lines = readFirstLines(file, 2).map((l) => splitLine(l, ';'));
  for (const [i, names] of lines.entries()) {
    const legacy = legacyColumns(names);
    if (legacy.length) {
      throw new SourceError(sourceId, file, `disposition antérieure à 2022 non prise en charge : colonnes ${legacy.join(', ')} trouvées `
        + '(attendu : une ligne de libellés puis la ligne des codes REG_CODE, DEP_CODE, COMM, NUM_DAU, NUM_PA ou NUM_PD…)', i + 1, names.indexOf(legacy[0]) + 1);
    }
  }
  const layout = layoutOf(lines[1] ?? []);
  if (!layout) throw new SourceError(sourceId, file, 'ligne des codes sans NUM_DAU, NUM_PA ni NUM_PD : pas une liste Sitadel', 2);
  return layout;
}

const pipeline: SourcePipeline = {
  id: 'sitadel',
  async run(ctx) {
    const { duckdb, source: { id } } = ctx, files: Partial<Record<Liste, string>> = {}; let doubleEncoded = 0;
    await duckdb.run(SQL.get('create')!);
    for (const file of ctx.files) {
      const layout = layoutOfFile(id, file);
      await checkExactHeader(id, file, layout.columns, ';', 2);
      const has = (c: string, expr = c) => (layout.columns.includes(c) ? expr : 'NULL');
      const day = (c: string) => has(c, `strftime(${c}, '%Y-%m-%d')`);
      const sql = fillSql(SQL.get('insert')!, {
        columns: `{${layout.columns.map((c) => `'${c}': '${typeOf(c, layout)}'`).join(', ')}}`,
        type: layout.type ?? (layout.liste === 'permis-amenager' ? '\'PA\'' : '\'PD\''), numero: layout.numero, etat: layout.etat,
        doc: day('DATE_REELLE_DOC'), daact: day('DATE_REELLE_DAACT'), lgt_tot: has('NB_LGT_TOT_CREES'), lgt_ind: has('NB_LGT_IND_CREES'),
        lgt_col: has('NB_LGT_COL_HORS_RES'), lgt_res: has('NB_LGT_RES'), surf_hab: has('SURF_HAB_CREEE'), surf_loc: has('SURF_LOC_CREEE'),
      });
      try { await duckdb.run(sql, { file, liste: layout.liste }); } catch (e) { throw csvError(id, [file], { columns: layout.columns, delimiter: ';' }, {}, e); }
      const counts = (await duckdb.runAndReadAll(SQL.get('checks')!, { file })).getRowObjectsJS()[0];
      doubleEncoded += Number(counts.doubles); // counted, never rewritten
      if (Number(counts.comm) || Number(counts.etat)) {
        const scan = { columns: layout.columns, delimiter: ';', include: () => true, headerLines: 2 };
        throw await locateBadValue(id, [file], scan, formats(layout), { COMM: Number(counts.comm), [layout.etat]: Number(counts.etat) });
      }
      files[layout.liste] = basename(file);
    }
    await stageCodeMap(duckdb, codeMappings(ctx.referential, SPLIT));
    await stageCommuneKey(duckdb);
    ctx.report.note('adressesDoubleEncodees', doubleEncoded);
    await stageCogCommunes(duckdb, ctx.referential);
    async function* records() {
      try {
        const data = sqlCommuneRecords(duckdb, fillSql(SQL.get('data')!, { sums: SUMS_SQL, measures: MEASURES_SQL }), ctx, SPLIT);
        yield* sqlCommuneLists(duckdb, data, fillSql(SQL.get('rows')!, { ligne: ROW_SQL }));
      } finally { await duckdb.run(SQL.get('cleanup')!); }
    }
    return { fields: FIELDS, communes: records(), metadata: metadataOf(doubleEncoded, files) };
  },
};

export default pipeline;
