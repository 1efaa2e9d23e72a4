/**
 * A source's DuckDB SQL kept in its `stage.sql`, read at run time: named
 * sections, each starting at a line `-- name: <id>`, run in file order.
 * `{{name}}` placeholders take SQL text built by code where DuckDB takes no
 * parameter (a `read_csv(...)` call over the run's files); values go as
 * DuckDB prepared parameters (`$name`). A section named `cleanup` runs last,
 * whether the others succeeded or not (dropping temporary tables). A source
 * that streams a section or assembles it from fragments fills it with `fillSql`.
 */
import { readFileSync } from 'node:fs';
import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';

/** A string as a SQL literal, for the places DuckDB takes no parameter (file lists of `read_csv`). */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Replaces every `{{name}}`; a placeholder left without a value is a programming error. */
export function fillSql(sql: string, values: Record<string, string>): string {
  return sql.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`SQL : valeur manquante pour {{${name}}}`);
    return values[name];
  });
}

/** Sections of a .sql file by name, in file order. */
export function readSqlSections(path: string): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const header = /^-- name: (\S+)\s*$/.exec(line);
    if (header) sections.set((name = header[1]), '');
    else if (name !== undefined) sections.set(name, `${sections.get(name)}${line}\n`);
  }
  return sections;
}

export interface SqlScriptOptions {
  placeholders?: Record<string, string>;
  params?: Record<string, DuckDBValue>;
  /** Turns an error of a section into the one to throw (a CSV error into a SourceError). */
  mapError?: (error: unknown) => unknown;
}

/** Runs every section (`cleanup` last, always); the rows of each, by section name. */
export async function runSqlScript(
  duckdb: DuckDBConnection, sections: Map<string, string>, options: SqlScriptOptions = {},
): Promise<Map<string, Record<string, unknown>[]>> {
  const rows = new Map<string, Record<string, unknown>[]>();
  try {
    for (const [name, sql] of sections) {
      if (name === 'cleanup') continue;
      const params = Object.fromEntries(Object.entries(options.params ?? {}).filter(([key]) => sql.includes(`$${key}`)));
      try {
        rows.set(name, (await duckdb.runAndReadAll(fillSql(sql, options.placeholders ?? {}), Object.keys(params).length ? params : undefined)).getRowObjectsJS());
      } catch (error) {
        throw options.mapError ? options.mapError(error) : error;
      }
    }
  } finally {
    const cleanup = sections.get('cleanup');
    if (cleanup) await duckdb.run(cleanup);
  }
  return rows;
}
