import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import { testReferential } from '../../tests/helpers/run-pipeline.js';
import { DepartementScope } from './scope.js';
import { codeMappings, stageCodeMap } from './rekey.js';
import { stageCommuneKey } from './rekey-keys.js';
import { sqlCommuneRecords } from './sql-records.js';
import { parseRecord, serializeRecord } from './load.js';
import type { RunReport } from './types.js';

const SPLIT = 'scindée';

/** A report that keeps its counts, as the framework's does. */
function countingReport() {
  const counts = { read: 0, projected: 0, rejected: new Map<string, number>(), notes: new Map<string, number | string>() };
  const report: RunReport = {
    read: (n = 1) => { counts.read += n; }, projected: (n = 1) => { counts.projected += n; },
    rejected: (reason, n = 1) => { counts.rejected.set(reason, (counts.rejected.get(reason) ?? 0) + n); },
    note: (k, v) => { counts.notes.set(k, v); },
  };
  return { counts, report };
}

describe('sqlCommuneRecords: records serialised by DuckDB, accounted like row-by-row ones', () => {
  it('groups rows under today\'s commune, passes the JSON through, sets aside unknown and malformed codes, and skips what is out of scope', async () => {
    const referential = testReferential();
    const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
    await stageCodeMap(duckdb, codeMappings(referential, SPLIT));
    await stageCommuneKey(duckdb);
    // 35238 Rennes twice, 2A004 Ajaccio once, an unknown and a malformed code.
    await duckdb.run(`CREATE TEMP TABLE rows AS SELECT * FROM (VALUES ('35238', 10), ('35238', 5), ('2A004', 7), ('35999', 1), ('xx', 2)) t(code, montant)`);
    const sql = `WITH keyed AS (
        SELECT commune_key(r.code, m.code_source IS NOT NULL, m.commune) AS cle, montant FROM rows r LEFT JOIN code_map m ON m.code_source = r.code)
      SELECT cle, count(*) AS lignes, to_json({total: sum(montant)})::VARCHAR AS data,
             to_json(list({montant: montant} ORDER BY montant))::VARCHAR AS rows
      FROM keyed GROUP BY cle ORDER BY cle`;

    const all = countingReport();
    const records = [];
    for await (const r of sqlCommuneRecords(duckdb, sql, { scope: DepartementScope.validated([], referential), report: all.report }, SPLIT)) records.push(r);
    expect(records.map((r) => r.code)).toEqual(['2A004', '35238']);
    expect(parseRecord(records[1])).toEqual({ code: '35238', data: { total: 15 }, rows: [{ montant: 5 }, { montant: 10 }], features: undefined });
    expect(serializeRecord(records[1]).rows).toBe('[{"montant":5},{"montant":10}]');
    expect(all.counts.read).toBe(5);
    expect(all.counts.projected).toBe(3);
    expect([...all.counts.rejected.values()].reduce((a, b) => a + b, 0)).toBe(2);
    expect(String(all.counts.notes.get('codesRejetes'))).toMatch(/35999 \(1\)/);

    const part = countingReport();
    const scoped = [];
    for await (const r of sqlCommuneRecords(duckdb, sql, { scope: DepartementScope.validated(['2A'], referential), report: part.report }, SPLIT)) scoped.push(r.code);
    expect(scoped).toEqual(['2A004']);
    expect(part.counts.read).toBe(1);
    // Rennes' two rows, the unknown 35999 and the malformed code are outside 2A: set aside, counted in a note.
    expect(part.counts.notes.get('hors des départements demandés')).toBe(4);
    expect(all.counts.notes.has('hors des départements demandés')).toBe(false);
    duckdb.closeSync();
  });
});
