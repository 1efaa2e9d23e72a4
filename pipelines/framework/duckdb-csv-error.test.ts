import { describe, it, expect } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parseDuckdbCsvError } from './duckdb-csv-error.js';

/** The error DuckDB itself throws on `text` read with these columns: the parser is tested on the real wording. */
async function duckdbError(text: string, columns: string): Promise<unknown> {
  const file = join(mkdtempSync(join(tmpdir(), 'csv-error-')), 'f.csv');
  writeFileSync(file, text);
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  const read = `read_csv('${file}', columns = {${columns}}, header = true, auto_detect = false, delim = ';', quote = '"', escape = '"', strict_mode = true)`;
  return duckdb.run(`SELECT * FROM ${read}`).then(() => undefined, (e: unknown) => e);
}

describe('DuckDB CSV error message', () => {
  it('gives the line, and the column and value that did not convert', async () => {
    const e = parseDuckdbCsvError(await duckdbError('a;b\n1;2\n3;x\n', `'a': 'INTEGER', 'b': 'INTEGER'`));
    expect(e).toMatchObject({ line: 3, column: 'b', value: 'x', unterminatedQuote: false });
    expect(e.columnCount).toBeUndefined();
  });

  it('gives the expected and found column counts and the original line of a short row', async () => {
    const e = parseDuckdbCsvError(await duckdbError('a;b;c\n1;2;3\n4;5\n', `'a': 'VARCHAR', 'b': 'VARCHAR', 'c': 'VARCHAR'`));
    expect(e).toMatchObject({ line: 3, columnCount: { expected: 3, found: 2 }, original: '4;5' });
  });

  it('has no line for an error that is not a CSV error', () => {
    expect(parseDuckdbCsvError(new Error('IO Error: No files found'))).toMatchObject({ line: undefined, original: '', unterminatedQuote: false });
  });
});
