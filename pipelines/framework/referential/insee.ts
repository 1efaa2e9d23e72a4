/**
 * INSEE's own COG files given with `--input cog=…`: `v_commune_<année>.csv`
 * (communes, déléguées, associées, arrondissements) and
 * `v_mvt_commune_<année>.csv` (every change since 1943). Columns are found by
 * name, so editions with or without `CTCD` read alike.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SourceError } from '../errors.js';
import { readHeader } from '../csv-header.js';
import type { CommuneEntry, CommuneType, HistoryEvent } from '../../../src/domain/referential.js';
import { sqlString } from '../sql-script.js';

const COMMUNE_COLUMNS = ['TYPECOM', 'COM', 'REG', 'DEP', 'LIBELLE', 'COMPARENT'] as const;
const MVT_COLUMNS = ['MOD', 'DATE_EFF', 'TYPECOM_AV', 'COM_AV', 'LIBELLE_AV', 'TYPECOM_AP', 'COM_AP', 'LIBELLE_AP'] as const;
const TYPES: Record<string, CommuneType> = {
  COM: 'commune-actuelle', COMD: 'commune-deleguee', COMA: 'commune-associee', ARM: 'arrondissement-municipal',
};
const CODE = /^(\d{5}|2[AB]\d{3})$/;

export type InseeFileKind = 'communes' | 'mouvements';

export function inseeFileKind(header: string[]): InseeFileKind | undefined {
  if (header.includes('TYPECOM') && header.includes('COM')) return 'communes';
  if (header.includes('MOD') && header.includes('COM_AV')) return 'mouvements';
  return undefined;
}

function requireColumns(file: string, header: string[], wanted: readonly string[]): void {
  for (const name of wanted) {
    if (!header.includes(name)) throw new SourceError('cog', file, `colonne « ${name} » absente de l'en-tête (${header.join(',')})`, 1, name);
  }
}

async function readAll(duckdb: DuckDBConnection, file: string, header: string[], wanted: readonly string[]) {
  requireColumns(file, header, wanted);
  const columns = Object.fromEntries(header.map((h) => [h, 'VARCHAR']));
  const reader = await duckdb.runAndReadAll(
    `SELECT ${wanted.map((w) => `"${w}"`).join(', ')} FROM read_csv($file, delim=',', header=true, auto_detect=false, quote='"', columns=${toStruct(columns)})`,
    { file },
  );
  return reader.getRowObjects() as Record<string, string | null>[];
}

function toStruct(columns: Record<string, string>): string {
  return `{${Object.entries(columns).map(([k, v]) => `${sqlString(k)}: '${v}'`).join(', ')}}`;
}

export async function readInseeCommunes(duckdb: DuckDBConnection, file: string): Promise<CommuneEntry[]> {
  const header = await readHeader(file, ',');
  const rows = await readAll(duckdb, file, header, COMMUNE_COLUMNS);
  return rows.map((row, index) => {
    const line = index + 2;
    const type = TYPES[row.TYPECOM ?? ''];
    if (!type) throw new SourceError('cog', file, `TYPECOM inconnu « ${row.TYPECOM} »`, line, 'TYPECOM');
    if (!row.COM || !CODE.test(row.COM)) throw new SourceError('cog', file, `code commune invalide « ${row.COM} »`, line, 'COM');
    if (type !== 'commune-actuelle' && !row.COMPARENT) throw new SourceError('cog', file, 'COMPARENT vide pour une commune rattachée', line, 'COMPARENT');
    return {
      code: row.COM,
      nom: row.LIBELLE ?? row.COM,
      type,
      departement: row.DEP ?? '',
      region: row.REG ?? '',
      codesPostaux: [],
      parent: type === 'commune-actuelle' ? undefined : row.COMPARENT ?? undefined,
    };
  });
}

export async function readInseeMouvements(duckdb: DuckDBConnection, file: string): Promise<HistoryEvent[]> {
  const header = await readHeader(file, ',');
  const rows = await readAll(duckdb, file, header, MVT_COLUMNS);
  const events: HistoryEvent[] = [];
  rows.forEach((row, index) => {
    const line = index + 2;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(row.DATE_EFF ?? '')) throw new SourceError('cog', file, `date invalide « ${row.DATE_EFF} »`, line, 'DATE_EFF');
    const mod = Number(row.MOD);
    if (!Number.isInteger(mod)) throw new SourceError('cog', file, `MOD invalide « ${row.MOD} »`, line, 'MOD');
    // Only moves from a code towards a commune count: a creation (MOD 20) has no former code, and the
    // same code becoming a déléguée of itself is not a change of code.
    if (!row.COM_AV || row.TYPECOM_AP !== 'COM' || row.COM_AV === row.COM_AP) return;
    events.push({
      ancienCode: row.COM_AV!, ancienNom: row.LIBELLE_AV ?? row.COM_AV!, nouveauCode: row.COM_AP!, nouveauNom: row.LIBELLE_AP ?? row.COM_AP!,
      date: row.DATE_EFF!, mod,
    });
  });
  return events;
}
