import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { readInTheirEncodings } from './encoded-read.js';
import { sqlString } from './sql-script.js';

const dir = mkdtempSync(join(tmpdir(), 'encoded-read-'));
const write = (name: string, ...parts: Buffer[]) => { const p = join(dir, name); writeFileSync(p, Buffer.concat(parts)); return p; };
const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');
/** About 1.2 MB of ASCII rows: what follows lies past the first MiB that decides which reading to try. */
const filler = Buffer.from('x;y\n'.repeat(300_000));

async function read(files: string[]) {
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  await duckdb.run('CREATE TABLE t (filename VARCHAR, a VARCHAR, b VARCHAR, utf8 BOOLEAN)');
  const { encodings } = await readInTheirEncodings(duckdb, 'essai', files, {
    table: 't', texts: ['b'], workDir: dir, mapError: (e) => e,
    readSql: (paths, encoding, utf8) => `INSERT INTO t SELECT filename, a, b, ${utf8} FROM read_csv([${paths.map(sqlString).join(', ')}], encoding = '${encoding}',
      header = true, auto_detect = false, delim = ';', filename = true, columns = {'a': 'VARCHAR', 'b': 'VARCHAR'})`,
  });
  const last = (await duckdb.runAndReadAll("SELECT b FROM t WHERE a = 'fin' ORDER BY b")).getRowsJS().map((r) => r[0]);
  return { encodings: [...encodings.values()], last };
}

describe('readEachInItsEncoding: each file read by DuckDB in its own encoding, past the first MiB too', () => {
  it('reads UTF-8, latin-1 after an ASCII start, and windows-1252 with its punctuation', async () => {
    const header = Buffer.from('a;b\n');
    const files = [
      write('utf8.csv', header, filler, utf8('fin;cœur été\n')),
      write('latin1.csv', header, filler, latin1('fin;été\n')),
      write('cp1252.csv', header, latin1('x;é\n'), filler, latin1('fin;c'), Buffer.from([0x9c, 0x75, 0x72, 0x20, 0x92, 0x80, 0x0a])),
    ];
    expect(await read(files)).toEqual({ encodings: ['utf-8', 'latin-1', 'windows-1252'], last: ['cœur été', 'cœur ’€', 'été'] });
  });

  it('stops on a file that mixes encodings past the first MiB, naming both lines', async () => {
    const header = Buffer.from('a;b\n');
    const latinThenUtf8 = write('mixed-1.csv', header, latin1('x;été\n'), filler, utf8('fin;déjà\n'));
    await expect(read([latinThenUtf8])).rejects.toMatchObject({ line: 2, message: expect.stringContaining('la ligne 300003 se lit en UTF-8') });
    const utf8ThenLatin = write('mixed-2.csv', header, utf8('x;été\n'), filler, latin1('fin;déjà\n'));
    await expect(read([utf8ThenLatin])).rejects.toMatchObject({ line: 300003, message: expect.stringContaining('encodage indécidable') });
  });
});
