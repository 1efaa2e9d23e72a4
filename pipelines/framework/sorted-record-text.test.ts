import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { sortedRecordTexts, stageJsNumber } from './sorted-record-text.js';
import { prng } from '../../bench/prng.js';

let instance: DuckDBInstance;
let duckdb: DuckDBConnection;
let dir: string;
beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '2', preserve_insertion_order: 'false' });
  duckdb = await instance.connect();
  dir = mkdtempSync(join(tmpdir(), 'sorted-record-text-'));
});
afterAll(() => { duckdb.closeSync(); instance.closeSync(); rmSync(dir, { recursive: true, force: true }); });

describe('js_number', () => {
  it('writes every double as JavaScript\'s String does', async () => {
    const random = prng(7);
    const values = [
      0, -0, 5, -5, 0.1, 0.05, -0.05, 0.5, 1.1, 1234.56, -1234.5, 1200, 0.1 + 0.2, 1e-4, 1.5e-5, 1e-6, -1.2e-6, 1e-7,
      9.99e-8, 1e13, -1e13, 9999999999999.99, 123456789012345.6, 1e15, 1e16, 1.2345e16, 1e20, 1e21, -1.5e21, 5e-324,
      1.7976931348623157e308, 71139.5999999999, 0.43892715000000004,
    ];
    for (let i = 0; i < 5_000; i++) {
      const cents = Math.round((random() - 0.5) * 1e9) / 100;
      values.push(cents, cents - Math.round(random() * 1e6) / 100, (random() - 0.5) * 10 ** Math.floor(random() * 44 - 22));
    }
    await stageJsNumber(duckdb);
    await duckdb.run('CREATE OR REPLACE TEMP TABLE js_values (i INTEGER, x DOUBLE)');
    const appender = await duckdb.createAppender('js_values');
    values.forEach((x, i) => { appender.appendInteger(i); appender.appendDouble(x); appender.endRow(); });
    appender.closeSync();
    const rows = (await duckdb.runAndReadAll('SELECT i, js_number(x) AS s FROM js_values ORDER BY i')).getRowsJS();
    const wrong = rows.filter(([i, s]) => String(values[i as number]) !== s).map(([i, s]) => `${String(values[i as number])} → ${String(s)}`);
    expect(wrong).toEqual([]);
    expect(rows).toHaveLength(values.length);
    expect((await duckdb.runAndReadAll('SELECT js_number(NULL::DOUBLE) AS s')).getRowsJS()).toEqual([['null']]);
  });
});

describe('sortedRecordTexts', () => {
  // Lines in shuffled order, over many communes, one of them larger than the chunk read at a time.
  beforeAll(async () => {
    await duckdb.run(`CREATE OR REPLACE TEMP TABLE lignes AS
      SELECT c AS commune, n, (c * 7919 + n * 104729) % 1000003 AS melange, CASE WHEN n % 3 = 0 THEN 'l''été "chaud"' ELSE 'hiver' END AS nom
      FROM range(0, 300) t(c), range(0, CASE WHEN c = 17 THEN 3000 ELSE c % 5 END) u(n)
      ORDER BY melange`);
  });
  const read = async (chunkBytes: number, slices?: { ranks: number; parts: number }) => {
    const records = [];
    for await (const r of sortedRecordTexts(duckdb, {
      heads: `SELECT c AS rang, lpad(c::VARCHAR, 5, '0') AS cle, concat('{"n":', c, '}') AS data FROM range(0, 300) t(c)`,
      lines: 'SELECT commune AS rang, n AS ordre, n, nom FROM lignes',
      line: "concat('[', n, ',', to_json(nom), ']')",
      file: join(dir, `records-${chunkBytes}.txt`), chunkBytes, slices,
    })) records.push(r);
    return records;
  };

  it('gives each commune its data and its lines in order, as JSON', async () => {
    const records = await read(4096);
    expect(records.map((r) => r.code)).toEqual(Array.from({ length: 300 }, (_, c) => String(c).padStart(5, '0')));
    for (const [c, r] of records.entries()) {
      expect(JSON.parse(r.json.data)).toEqual({ n: c });
      const lines = Array.from({ length: c === 17 ? 3000 : c % 5 }, (_, n) => [n, n % 3 === 0 ? 'l\'été "chaud"' : 'hiver']);
      expect(JSON.parse(r.json.rows!)).toEqual(lines);
    }
    expect(records[17].json.rows!.length).toBeGreaterThan(4096);
    expect(records[0].json.rows).toBe('[]');
  });

  it('reads the same records whatever the chunk size or the slices, and removes its file', async () => {
    const [small, large, sliced] = [await read(64), await read(1 << 20), await read(4096, { ranks: 300, parts: 7 })];
    expect(small).toEqual(large);
    expect(sliced).toEqual(large);
    expect(existsSync(join(dir, 'records-64.txt'))).toBe(false);
  });
});
