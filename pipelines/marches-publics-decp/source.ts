/**
 * DECP consolidées (sources-wave2 §6): decp.info's table (decp.csv, decp.parquet)
 * or the legacy consolidated JSON (`{"marches":[…]}`). Per commune: the contracts it
 * passed and those executed in it, current rows only, counted once per uid.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import { readFirstLine, splitLine } from '../framework/csv-header.js';
import { fillSql, readSqlSections, sqlString } from '../framework/sql-script.js';
import { csvError, locateBadValue } from '../framework/value-formats.js';
import { codeMappings, stageCodeMap } from '../framework/rekey.js';
import { stageCommuneKey } from '../framework/rekey-keys.js';
import { sqlCommuneRecords } from '../framework/sql-records.js';
import { sqlCommuneLists } from '../framework/sql-record-lists.js';
import { stageCogCommunes } from '../framework/commune-table.js';
import { SourceError } from '../framework/errors.js';
import { sniffFormat } from '../framework/geo/archive.js';
import { FIELDS, metadataOf, REQUIRED_COLUMNS } from './project.js';

const SQL = readSqlSections(join(import.meta.dirname, 'stage.sql'));
const SPLIT = 'commune scindée depuis : lieu d\'exécution non attribuable';
const FORMATS = {
  uid: { test: (v: string) => v !== '', expected: 'un uid' },
  montant: { test: (v: string) => v === '' || Number.isFinite(Number(v)), expected: 'un montant numérique ou vide' },
  dateNotification: { test: (v: string) => v === '' || /^\d{4}-\d{2}-\d{2}/.test(v), expected: 'une date AAAA-MM-JJ ou vide' },
  donneesActuelles: { test: (v: string) => ['', 'true', 'false'].includes(v.toLowerCase()), expected: 'true, false ou vide' },
};

const formatOf = (file: string) => { const f = sniffFormat(file); return f === 'parquet' || f === 'json' ? f : 'csv'; };

const pipeline: SourcePipeline = {
  id: 'marches-publics-decp',
  async run(ctx) {
    const { duckdb, source: { id } } = ctx, formats: string[] = [];
    await duckdb.run(SQL.get('create')!);
    for (const file of ctx.files) {
      const format = formatOf(file);
      formats.push(format);
      const names = format === 'csv' ? splitLine((await readFirstLine(file)).replace(/^\uFEFF/, ''), ',')
        : format === 'parquet' ? (await duckdb.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${sqlString(file)})`)).getRowsJS().map((r) => String(r[0])) : [];
      const missing = format === 'json' ? undefined : REQUIRED_COLUMNS.find((c) => !names.includes(c));
      if (missing) throw new SourceError(id, file, `colonne « ${missing} » absente (colonnes lues par leur nom : ${REQUIRED_COLUMNS.join(', ')})`, format === 'csv' ? 1 : undefined, missing);
      const read = format === 'parquet' ? `read_parquet(${sqlString(file)})` : `read_csv(${sqlString(file)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, `
        + `columns = {${names.map((n) => `${sqlString(n)}: 'VARCHAR'`).join(', ')}})`;
      try {
        const json = () => fillSql(SQL.get('insert_json')!, { max_object: String(Math.max(16 << 20, statSync(file).size + 1)) });
        await duckdb.run(format === 'json' ? json() : fillSql(SQL.get('insert_tabular')!, { read }), format === 'json' ? { file } : undefined);
      } catch (e) {
        throw format === 'csv' ? csvError(id, [file], { columns: names, delimiter: ',' }, {}, e) : new SourceError(id, file, `lecture ${format} impossible : ${(e as Error).message.split('\n')[0]}`);
      }
      const counts = (await duckdb.runAndReadAll(SQL.get('checks')!)).getRowObjectsJS()[0];
      const bad = Object.fromEntries(Object.keys(FORMATS).map((k) => [k, Number(counts[k])]));
      if (Object.values(bad).some(Boolean)) {
        if (format === 'csv') throw await locateBadValue(id, [file], { columns: names, delimiter: ',', include: () => true }, FORMATS, bad);
        const column = Object.keys(bad).find((k) => bad[k])!;
        throw new SourceError(id, file, `${bad[column]} valeur(s) hors format (attendu : ${FORMATS[column as keyof typeof FORMATS].expected})`, undefined, column);
      }
    }
    await duckdb.run(SQL.get('contracts')!);
    await stageCogCommunes(duckdb, ctx.referential);
    await stageCodeMap(duckdb, codeMappings(ctx.referential, SPLIT));
    await stageCommuneKey(duckdb);
    const counts = (await duckdb.runAndReadAll(SQL.get('counts')!)).getRowObjectsJS()[0];
    ctx.report.note('marchesSansCommune', Number((await duckdb.runAndReadAll(SQL.get('unlinked')!)).getRowsJS()[0][0]));
    ctx.report.note('lignesNonActuelles', Number(counts.lignes_non_actuelles));
    await duckdb.run(SQL.get('links')!);
    async function* records() {
      try {
        yield* sqlCommuneLists(duckdb, sqlCommuneRecords(duckdb, SQL.get('data')!, ctx, SPLIT), SQL.get('rows')!);
      } finally { await duckdb.run(SQL.get('cleanup')!); }
    }
    return { fields: FIELDS, communes: records(), metadata: metadataOf(counts, formats) };
  },
};

export default pipeline;
