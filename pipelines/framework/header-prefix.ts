/**
 * Headers whose names carry a millésime (OFGL writes `Code Insee 2024 Commune`,
 * next year `Code Insee 2025 Commune`): each column is bound by its stable
 * pattern, never by its position or its literal name, and the millésime is read
 * from the header. A missing column stops the run naming the pattern that was
 * looked for; two columns that disagree on the millésime stop it too.
 */
import { SourceError } from './errors.js';
import { readHeader } from './csv-header.js';

/** A column to find: `name` exact, or `pattern` where `{millesime}` stands for a four-digit year. */
export interface ColumnSpec { name: string; pattern?: string }

export interface BoundHeader<K extends string> {
  names: string[];
  /** Position (from 0) of each declared column. */
  index: Record<K, number>;
  /** The year the patterned columns carry, when any is declared. */
  millesime?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function bindHeaderByPrefix<K extends string>(
  sourceId: string, file: string, names: string[], specs: Record<K, ColumnSpec>,
): BoundHeader<K> {
  const index = {} as Record<K, number>;
  let millesime: string | undefined;
  for (const [key, spec] of Object.entries(specs) as [K, ColumnSpec][]) {
    const regex = spec.pattern ? new RegExp(`^${escape(spec.pattern).replace('\\{millesime\\}', '((?:19|20)\\d{2})')}$`) : undefined;
    const at = names.findIndex((n) => (regex ? regex.test(n) : n === spec.name));
    if (at < 0) throw new SourceError(sourceId, file, `colonne « ${spec.pattern?.replace('{millesime}', '<année>') ?? spec.name} » absente de l'en-tête : pas un fichier de cette source, ou format modifié`, 1, spec.name);
    if (regex) {
      const year = regex.exec(names[at])![1];
      if (millesime && year !== millesime) throw new SourceError(sourceId, file, `millésimes différents dans l'en-tête (${millesime} et ${year})`, 1, names[at]);
      millesime = year;
    }
    index[key] = at;
  }
  return { names, index, millesime };
}

/** The file's header (BOM and quotes dropped), bound by `bindHeaderByPrefix`. */
export async function readBoundHeader<K extends string>(sourceId: string, file: string, specs: Record<K, ColumnSpec>, delimiter = ';'): Promise<BoundHeader<K>> {
  return bindHeaderByPrefix(sourceId, file, await readHeader(file, delimiter), specs);
}
