/**
 * What sources publish for a territory itself rather than for its communes (an EPCI's président, served as
 * `territoire` in its dotation), as one table of the territory's pack, beside the aggregated indicators: one
 * row per value, nested values named by their path (`president.nom`), in dataset order.
 */
import type { FieldSchema, Scalar } from '../contract/dataset.js';
import { csvFile, type PackFile } from '../pack/plan.js';
import type { TerritoryDotation } from './schema.js';

export const OWN_RECORD_FIELDS: FieldSchema[] = [
  { name: 'dataset', type: 'string', description: 'Identifiant du jeu de données' },
  { name: 'cle', type: 'string', description: 'Nom de la valeur dans le champ `territoire` du jeu (chemin pointé pour une valeur imbriquée, ex. president.nom)' },
  { name: 'valeur', type: 'string', description: 'Valeur telle que publiée ; vide quand elle est absente' },
];

function flatten(value: unknown, path: string, out: [string, Scalar][]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) flatten(inner, path ? `${path}.${key}` : key, out);
  } else out.push([path, Array.isArray(value) ? JSON.stringify(value) : (value as Scalar | undefined) ?? null]);
}

function ownRecordRows(dotation: TerritoryDotation): Scalar[][] {
  return dotation.datasets.flatMap((d) => {
    if (!d.territoire) return [];
    const pairs: [string, Scalar][] = [];
    flatten(d.territoire, '', pairs);
    return pairs.map(([cle, valeur]) => [d.id, cle, valeur]);
  });
}

/** The territory's own records as a pack file, or nothing when no source gives any for it. */
export function ownRecordsFile(dotation: TerritoryDotation): PackFile[] {
  const rows = ownRecordRows(dotation);
  if (!rows.length) return [];
  const ids = [...new Set(rows.map((r) => r[0]))].join(', ');
  return [csvFile({ name: 'donnees-du-territoire', title: `Données publiées pour le territoire lui-même (${ids})`, fields: OWN_RECORD_FIELDS, rows: async function* () { yield rows; } },
    'Ce que les sources publient pour le territoire lui-même et non pour ses communes (le président d\'un EPCI, fichier des élus du RNE) : le champ `territoire` de la dotation, une ligne par valeur.')];
}
