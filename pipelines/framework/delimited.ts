/**
 * Delimited files read the way every source must read them: the header bound
 * by name and refused on drift with the column named, DuckDB SQL kept in the
 * source's `.sql` files, and a failing check located on its exact line by a
 * plain scan (DuckDB's parallel reader does not keep line order).
 */
import { readFileSync, createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from './errors.js';
import { readFirstLines, splitLine } from './csv-header.js';

/** The header must be `expected`, in that order: the first column that differs is named. */
export async function checkExactHeader(sourceId: string, file: string, expected: string[], delimiter = ';'): Promise<void> {
  const found = splitLine(readFirstLines(file, 1)[0] ?? '', delimiter).map((h) => h.trim());
  for (let i = 0; i < Math.max(found.length, expected.length); i++) {
    if (found[i] === expected[i]) continue;
    const problem = found[i] === undefined ? `colonne « ${expected[i]} » absente de l'en-tête (${found.join(delimiter)})`
      : expected[i] === undefined ? `colonne inattendue « ${found[i]} » (${found.length} colonnes au lieu de ${expected.length})`
        : `en-tête « ${found[i]} » au lieu de « ${expected[i]} »`;
    throw new SourceError(sourceId, file, problem, 1, expected[i] ?? i + 1);
  }
}

/** First data line (1-based, header = 1) whose `column` fails `bad`, with the value found there. */
export async function firstLineWhere(
  file: string, header: string[], column: string, bad: (value: string) => boolean, delimiter = ';',
): Promise<{ line: number; value: string }> {
  const index = header.indexOf(column);
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    if (++line === 1) continue;
    const value = splitLine(text, delimiter)[index] ?? '';
    if (bad(value)) { lines.close(); return { line, value }; }
  }
  throw new Error(`${file}: aucune ligne ne correspond (colonne ${column})`);
}

const sqlLiteral = (s: string) => `'${s.replaceAll("'", "''")}'`;

/**
 * Runs the statements of a source's `.sql` file (split on `;` at line end),
 * `{{name}}` replaced by the SQL literal of `params.name`; returns each
 * statement's rows. A CSV DuckDB cannot read names its file and line.
 */
export async function runSqlFile(
  duckdb: DuckDBConnection, sql: URL, params: Record<string, string>, sourceId?: string,
): Promise<unknown[][][]> {
  const text = readFileSync(fileURLToPath(sql), 'utf8').replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`${sql.pathname}: paramètre {{${name}}} non fourni`);
    return sqlLiteral(params[name]);
  });
  const statements = text.split(/;\s*\n/).map((s) => s.replace(/^\s*--.*$/gm, '').trim()).filter(Boolean);
  const results: unknown[][][] = [];
  for (const statement of statements) {
    try {
      results.push((await duckdb.runAndReadAll(statement)).getRowsJS() as unknown[][]);
    } catch (error) {
      const message = (error as Error).message;
      const line = /Line: (\d+)/.exec(message)?.[1];
      if (!sourceId || !params.file) throw error;
      throw new SourceError(sourceId, params.file, `lecture CSV impossible : ${message.split('\n').find((l) => l.trim() && !l.startsWith('Invalid Input Error')) ?? message}`, line ? Number(line) : undefined);
    }
  }
  return results;
}
