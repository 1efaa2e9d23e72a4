/** Reading the BAN legacy "csv" export: the declared columns, checked by name, and the format of their values. */
import { SourceError } from './errors.js';
import { readFirstLine } from './csv-header.js';
import type { ValueFormat } from './value-formats.js';
import { BAN_COLUMNS, type BanColumn } from '../../src/contract/ban.js';
import { sqlString } from './sql-script.js';

/**
 * `read_csv` over the files with the 23 declared columns, nothing sniffed:
 * VARCHAR (the exact text, for the bulk copy) unless `types` declares a column
 * otherwise, in which case DuckDB's reader converts it and names line and
 * column of a value that does not convert.
 */
export function banReadCsv(files: string[], types: Partial<Record<BanColumn, string>> = {}): string {
  const list = files.map(sqlString).join(', ');
  const columns = BAN_COLUMNS.map((c) => `'${c}': '${types[c] ?? 'VARCHAR'}'`).join(', ');
  return `read_csv([${list}], columns = {${columns}}, header = true, auto_detect = false, delim = ';', quote = '"', escape = '"', `
    + `strict_mode = true, null_padding = false, parallel = true)`;
}

/**
 * Compares the first line of a (gzipped) file with the declared header, by
 * name, reading only that line. Drift names the first column that differs.
 */
export async function checkBanHeader(sourceId: string, file: string): Promise<void> {
  const line = await readFirstLine(file);
  if (line.startsWith('\uFEFF')) throw new SourceError(sourceId, file, 'marque BOM inattendue en tête de fichier', 1, 1);
  const found = line.replace(/\r$/, '').split(';');
  for (let i = 0; i < Math.max(found.length, BAN_COLUMNS.length); i++) {
    if (found[i] !== BAN_COLUMNS[i]) {
      const problem = found[i] === undefined
        ? `colonne « ${BAN_COLUMNS[i]} » absente de l'en-tête (${found.length} colonnes au lieu de ${BAN_COLUMNS.length})`
        : BAN_COLUMNS[i] === undefined
          ? `colonne inattendue « ${found[i]} » (${found.length} colonnes au lieu de ${BAN_COLUMNS.length})`
          : `en-tête « ${found[i]} » au lieu de « ${BAN_COLUMNS[i]} »`;
      throw new SourceError(sourceId, file, problem, 1, i + 1);
    }
  }
}

/** Columns DuckDB reads as numbers: a value that does not convert stops the scan with its line and column. */
export const BAN_TYPED_COLUMNS = { numero: 'UINTEGER', x: 'DOUBLE', y: 'DOUBLE', lon: 'DOUBLE', lat: 'DOUBLE' } as const;

/** What a value of each checked column must look like; empty is allowed where the producer writes it empty. */
export const BAN_VALUE_FORMATS = {
  numero: { test: (v: string) => /^[0-9]+$/.test(v), expected: 'un entier' },
  x: { test: (v: string) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  y: { test: (v: string) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  lon: { test: (v: string) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  lat: { test: (v: string) => v === '' || Number.isFinite(Number(v)), expected: 'un nombre' },
  certification_commune: { test: (v: string) => v === '0' || v === '1', expected: '0 ou 1' },
} satisfies Record<string, ValueFormat>;
