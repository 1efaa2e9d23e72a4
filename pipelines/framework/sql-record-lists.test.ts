import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlCommuneLists, sqlRecordsAsIs } from './sql-record-lists.js';

describe('sqlCommuneLists: a record\'s data from one query, its list rows joined from another', () => {
  it('joins each commune\'s JSON rows in the order DuckDB sorted them, skips rows of communes without data, keeps communes without rows', async () => {
    const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
    await duckdb.run(`CREATE TEMP TABLE rows AS SELECT * FROM (VALUES ('35238', 10), ('35238', 5), ('2A004', 7), ('35999', 1)) t(cle, montant)`);
    const data = sqlRecordsAsIs(duckdb, `SELECT * FROM (VALUES ('2A004', '{"n":1}'), ('35238', '{"n":2}'), ('35288', '{"n":0}')) t(cle, data) ORDER BY cle`);
    const records = [];
    for await (const r of sqlCommuneLists(duckdb, data, 'SELECT cle, to_json({montant: montant})::VARCHAR AS ligne FROM rows ORDER BY cle, montant')) records.push(r);
    expect(records.map((r) => [r.code, r.json.data, r.json.rows])).toEqual([
      ['2A004', '{"n":1}', '[{"montant":7}]'],
      ['35238', '{"n":2}', '[{"montant":5},{"montant":10}]'],
      ['35288', '{"n":0}', null],
    ]);
    expect(JSON.parse(records[1].json.rows!)).toEqual([{ montant: 5 }, { montant: 10 }]);
    duckdb.closeSync();
  });
});
