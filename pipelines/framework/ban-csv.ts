/** Reading the BAN legacy "csv" export: the declared columns, checked by name. */
import { SourceError } from './errors.js';
import { readFirstLine } from './csv-header.js';
import { BAN_COLUMNS, type BanColumn } from '../../src/contract/ban.js';

/**
 * `read_csv` over the files with the 23 declared columns, nothing sniffed:
 * VARCHAR (the exact text, for the bulk copy) unless `types` declares a column
 * otherwise, in which case DuckDB's reader converts it and names line and
 * column of a value that does not convert.
 */
export function banReadCsv(files: string[], types: Partial<Record<BanColumn, string>> = {}): string {
  const list = files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
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
