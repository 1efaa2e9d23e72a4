import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { communeCodeCheck, firstBadCell, numeric, numericCheck, stageCsv, type StageOptions } from './staged-csv.js';
import { stageNamedColumns } from './named-columns.js';

const dir = mkdtempSync(join(tmpdir(), 'staged-csv-'));
const connect = async (): Promise<DuckDBConnection> => (await DuckDBInstance.create(':memory:')).connect();
async function staged(text: string, columns: number, options?: StageOptions): Promise<DuckDBConnection> {
  const path = join(dir, 'f.csv');
  writeFileSync(path, text);
  const duckdb = await connect();
  await stageCsv(duckdb, 'src', 't', path, 'f.csv', columns, options);
  return duckdb;
}
const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e);

describe('staged CSV', () => {
  it('pads short rows by default, refuses them when asked, each with its wording of the read error', async () => {
    const short = 'a;b;c\n1;2;3\n4;5\n';
    const padded = await staged(short, 3);
    expect((await padded.runAndReadAll('SELECT c2 FROM t ORDER BY rowid')).getRowsJS()).toEqual([['3'], [null]]);
    const strict = await failure(staged(short, 3, { nullPadding: false, errorDetail: 'after-heading' }));
    expect(strict).toMatchObject({ file: 'f.csv', line: 3, problem: 'lecture CSV impossible : Original Line: 4;5' });
    const long = await failure(staged('a;b\n1;2;3\n', 2));
    expect(long).toMatchObject({ line: 2, problem: 'lecture CSV impossible : Invalid Input Error: CSV Error on Line: 2' });
  });

  it('reads another delimiter', async () => {
    const duckdb = await staged('a,b\n1,"x,y"\n', 2, { delimiter: ',' });
    expect((await duckdb.runAndReadAll('SELECT c0, c1 FROM t')).getRowsJS()).toEqual([['1', 'x,y']]);
  });

  it('numbers accept a decimal comma, blanks and secret markers; the checks keep the INSEE wording', async () => {
    const duckdb = await staged('CODGEO;A;B\n01001;1,5;s\n2A004;;2\n2C004;x;3\n', 3, { nullPadding: false });
    expect((await duckdb.runAndReadAll(`SELECT ${numeric(1)}, ${numeric(2)} FROM t ORDER BY rowid`)).getRowsJS()).toEqual([[1.5, null], [null, 2], [null, 3]]);
    const names = ['CODGEO', 'A', 'B'];
    expect(await failure(firstBadCell(duckdb, 'src', 't', 'f.csv', [numericCheck(1), numericCheck(2)], names)))
      .toMatchObject({ line: 4, column: 'A', problem: 'valeur non numérique « x » (attendu : nombre, vide ou s)' });
    expect(await failure(firstBadCell(duckdb, 'src', 't', 'f.csv', [communeCodeCheck(0)], names)))
      .toMatchObject({ line: 4, column: 'CODGEO', problem: 'code commune invalide « 2C004 »' });
    expect(await failure(firstBadCell(duckdb, 'src', 't', 'f.csv', [numericCheck(1, ['s', 'nd'])], names)))
      .toMatchObject({ problem: 'valeur non numérique « x » (attendu : nombre, vide, s ou nd)' });
    await expect(firstBadCell(duckdb, 'src', 't', 'f.csv', [], names)).resolves.toBeUndefined();
  });

  it('names the file\'s own line, far into a file that DuckDB reads with several threads and without insertion order', async () => {
    // 6,000 lines of ~1.8 kB (~11 MB): past the size at which DuckDB splits a read among threads, and, with
    // preserve_insertion_order=false as the run opens it, stores the rows out of file order.
    const lines = ['CODGEO;NOTE;VALEUR'];
    for (let i = 0; i < 6000; i++) lines.push(`35238;${'x'.repeat(1800)};${i === 301 ? 'a' : i === 5201 ? 'b' : String(i)}`);
    const path = join(dir, 'long.csv');
    writeFileSync(path, `${lines.join('\n')}\n`);
    const run = async () => (await DuckDBInstance.create(':memory:', { threads: '4', preserve_insertion_order: 'false' })).connect();
    const names = ['CODGEO', 'NOTE', 'VALEUR'];

    const duckdb = await run();
    await stageCsv(duckdb, 'src', 't', path, 'long.csv', 3);
    // Row r of the table is line r + 2 of the file (the file's values say which row they are on).
    const misplaced = await duckdb.runAndReadAll('SELECT count(*) FROM t WHERE TRY_CAST(c2 AS INTEGER) IS NOT NULL AND TRY_CAST(c2 AS INTEGER) <> rowid');
    expect(misplaced.getRowsJS()[0][0]).toBe(0n);
    // Two bad values: the first in file order (line 303) is named, whichever thread read it.
    expect(await failure(firstBadCell(duckdb, 'src', 't', 'long.csv', [numericCheck(2)], names)))
      .toMatchObject({ line: 303, column: 'VALEUR', problem: expect.stringContaining('« a »') });
    await duckdb.run("UPDATE t SET c2 = '301' WHERE c2 = 'a'");
    expect(await failure(firstBadCell(duckdb, 'src', 't', 'long.csv', [numericCheck(2)], names)))
      .toMatchObject({ line: 5203, problem: expect.stringContaining('« b »') });

    // The same through stageNamedColumns, whose staged table keeps file order too.
    const named = await run();
    expect(await failure(stageNamedColumns(named, 'src', path, 'n', { delimiter: ';', columns: { CODGEO: 'code', VALEUR: 'valeur' }, required: ['CODGEO', 'VALEUR'], checks: (at) => [numericCheck(at('VALEUR')!)] })))
      .toMatchObject({ line: 303, column: 'VALEUR' });
    writeFileSync(path, `${lines.map((l) => l.replace(/;a$/, ';301').replace(/;b$/, ';5201')).join('\n')}\n`);
    await stageNamedColumns(named, 'src', path, 'n', { delimiter: ';', columns: { CODGEO: 'code', VALEUR: 'valeur' }, required: ['CODGEO', 'VALEUR'] });
    expect((await named.runAndReadAll('SELECT count(*) FROM n WHERE valeur::INTEGER <> rowid')).getRowsJS()[0][0]).toBe(0n);
  });
});
