/** The elections this pipeline serves, one registry entry (and one file) each. */

export type ElectionType = 'presidentielle' | 'europeennes' | 'legislatives';

export interface Election {
  id: string;
  type: ElectionType;
  libelleType: string;
  libelle: string;
  date: string;
  tour: number;
}

const election = (id: string, type: ElectionType, libelle: string, date: string, tour: number): Election => ({
  id, type, libelle, date, tour,
  libelleType: { presidentielle: 'présidentielle', europeennes: 'européennes', legislatives: 'législatives' }[type],
});

export const ELECTIONS: Record<string, Election> = Object.fromEntries(
  [
    election('elections-pres-2022-t1', 'presidentielle', 'Élection présidentielle 2022, premier tour', '2022-04-10', 1),
    election('elections-pres-2022-t2', 'presidentielle', 'Élection présidentielle 2022, second tour', '2022-04-24', 2),
    election('elections-euro-2024', 'europeennes', 'Élections européennes 2024', '2024-06-09', 1),
    election('elections-legi-2024-t1', 'legislatives', 'Élections législatives 2024, premier tour', '2024-06-30', 1),
    election('elections-legi-2024-t2', 'legislatives', 'Élections législatives 2024, second tour', '2024-07-07', 2),
  ].map((e) => [e.id, e]),
);

/** Reasons a row is set aside, as they appear in the run summary. */
export const SET_ASIDE = {
  abroad: 'Français établis hors de France (ZZ) : pas de commune',
  split: 'commune scindée depuis le scrutin : résultats non projetables',
  unknown: 'code absent du COG en vigueur',
} as const;
