/**
 * INSEE's « varmod » dictionary that ships with its files (BPE, RP bases):
 * `COD_VAR;LIB_VAR;COD_MOD;LIB_MOD;…`, one line per modality of a variable.
 * Labels come from it rather than from a hand-typed table, so that a code
 * renamed or renumbered between editions (BPE's D201 → D265) is seen in the
 * producer's own words, with the line that says it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { bindHeader } from './named-columns.js';

export interface Modality { code: string; libelle: string; line: number }

/** Modalities by variable (`TYPEQU` → code → label and line), from a UTF-8 file. */
export async function readVarmod(sourceId: string, file: string, delimiter = ';'): Promise<Map<string, Map<string, Modality>>> {
  const { index } = await bindHeader(sourceId, file, delimiter, ['COD_VAR', 'COD_MOD', 'LIB_MOD']);
  const rows = parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''), { delimiter, relax_quotes: true, relax_column_count: true, from_line: 2 }) as string[][];
  const out = new Map<string, Map<string, Modality>>();
  rows.forEach((row, i) => {
    const variable = row[index.get('COD_VAR')!]?.trim();
    const code = row[index.get('COD_MOD')!]?.trim();
    if (!variable || !code) return;
    const modalities = out.get(variable) ?? new Map<string, Modality>();
    out.set(variable, modalities);
    modalities.set(code, { code, libelle: (row[index.get('LIB_MOD')!] ?? '').trim(), line: i + 2 });
  });
  return out;
}
