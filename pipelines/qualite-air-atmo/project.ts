/**
 * ATMO index per commune for the last complete year: days per index class and
 * the pollutants that set the day's index. Pure: DuckDB's counts in, records out.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';

export const FIELDS: FieldSchema[] = [
  { name: 'annee', type: 'string', description: 'Dernière année civile complète du fichier', aggregation: 'key' },
  { name: 'indicateur', type: 'string', description: 'classe (jours par classe de l\'indice ATMO) ou polluant (jours où ce polluant fixe l\'indice)', aggregation: 'key' },
  { name: 'code', type: 'string', description: 'Classe code_qual (1 bon … 6 extrêmement mauvais, 0 absent, 7 événement) ou polluant (no2, so2, o3, pm10, pm25)', aggregation: 'key' },
  { name: 'libelle', type: 'string', description: 'Libellé lib_qual du producteur, ou nom du polluant' },
  { name: 'jours', type: 'integer', unit: 'jours', description: 'Nombre de jours de l\'année', aggregation: 'mean-weighted-population' },
];

const POLLUANTS: Record<string, string> = { no2: 'dioxyde d\'azote (NO2)', so2: 'dioxyde de soufre (SO2)', o3: 'ozone (O3)', pm10: 'particules PM10', pm25: 'particules PM2,5' };

/** The last complete calendar year of a rolling window ending on `last` (ISO date). */
export function lastCompleteYear(last: string): number {
  const year = Number(last.slice(0, 4));
  return last.slice(5, 10) === '12-31' ? year : year - 1;
}

export interface Sections { classes: Record<string, unknown>[]; pollutants: Record<string, unknown>[]; zones: Record<string, unknown>[] }

export function communeRecords(s: Sections, annee: number, epciName: (siren: string) => string | undefined): CommuneRecord[] {
  const rows = new Map<string, Record<string, Scalar>[]>();
  const add = (commune: string, row: Record<string, Scalar>) => rows.set(commune, [...(rows.get(commune) ?? []), row]);
  for (const c of s.classes) add(c.commune as string, { annee: String(annee), indicateur: 'classe', code: String(c.code_qual), libelle: c.libelle as string | null, jours: Number(c.jours) });
  for (const p of s.pollutants) add(p.commune as string, { annee: String(annee), indicateur: 'polluant', code: p.polluant as string, libelle: POLLUANTS[p.polluant as string] ?? null, jours: Number(p.jours) });
  return s.zones.map((z) => {
    const code = z.commune as string;
    const list = rows.get(code) ?? [];
    const joursEpci = Number(z.jours_epci);
    const epci = z.epci as string | null;
    return {
      code,
      data: {
        annee,
        joursCouverts: Number(z.jours),
        classes: Object.fromEntries(list.filter((r) => r.indicateur === 'classe').map((r) => [r.code, { libelle: r.libelle, jours: r.jours }])),
        polluantsDominants: Object.fromEntries(list.filter((r) => r.indicateur === 'polluant').map((r) => [r.code, r.jours])),
        ...(joursEpci ? {
          zone: { type: 'EPCI', siren: epci, nom: epci ? epciName(epci) ?? null : null, jours: joursEpci,
            note: 'Indice publié par l\'AASQA pour l\'EPCI entier et appliqué à chacune de ses communes membres.' },
        } : { zone: { type: 'commune' } }),
      },
      rows: list,
    };
  });
}

export const METADATA = {
  periode: 'Dernière année civile complète du fichier (l\'historique publié glisse sur 365 jours : joursCouverts dit combien de jours l\'année compte vraiment).',
  epci: 'Certaines régions publient l\'indice par EPCI (type_zone = EPCI) : il est alors projeté sur chaque commune membre, et le document le dit (zone.type = EPCI). L\'indice propre d\'une commune l\'emporte le jour où les deux existent.',
  polluantsDominants: 'Jours où le sous-indice du polluant égale l\'indice du jour (plusieurs polluants peuvent fixer le même jour).',
};
