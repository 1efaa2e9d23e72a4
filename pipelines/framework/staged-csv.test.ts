import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { communeCodeCheck, firstBadCell, numeric, numericCheck, stageCsv, type StageOptions } from './staged-csv.js';

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
});
