/**
 * The services section's figures (src/demo/assets/services.js, a browser script):
 * health professionals per 10,000 inhabitants next to the département's value,
 * equipments by domain, air-quality days, from JSON shaped as the API serves it.
 */
import { beforeAll, describe, expect, it } from 'vitest';

type Summary = {
  health: { items: { label: string; count: number; commune: number | null; departement: number | null }[] } | null;
  equipment: { total: number; domains: { label: string; count: number; types: string[] }[] } | null;
  air: { annee: number; items: { label: string; value: number }[]; zone: { type: string } } | null;
};
let summarize: (dotation: unknown, departement: unknown, bpeSource?: unknown) => Summary;

beforeAll(async () => {
  // @ts-expect-error plain browser scripts: they define globals and export nothing
  await import('../../demo/assets/util.js');
  // @ts-expect-error idem
  await import('../../demo/assets/services.js');
  summarize = (globalThis as unknown as { DotationServices: { summarize: typeof summarize } }).DotationServices.summarize;
});

const ds = (id: string, donnees: unknown) => ({ id, titre: id, producteur: 'P', millesime: '2025', statut: 'available', donnees });
const dotation = {
  commune: { code: '35238', nom: 'Rennes', population: 200000, codeDepartement: '35' },
  datasets: [
    ds('professionnels-sante', { professions: [{ code: '10', libelle: 'Médecin', nombre: 400 }, { code: '60', libelle: 'Infirmier', nombre: 1000 }], medecins: { generalistes: 250, specialistes: 140, nonRenseigne: 10 } }),
    ds('equipements-bpe', { total: 12, domaines: [{ code: 'D', nombre: 12, equipements: [{ typequ: 'D265', nombre: 10 }, { typequ: 'D999', nombre: 2 }] }] }),
    ds('qualite-air-atmo', { annee: 2025, classes: { 1: { libelle: 'Bon', jours: 300 }, 2: { libelle: 'Moyen', jours: 65 } }, zone: { type: 'EPCI', siren: '243500139' } }),
  ],
};
const departement = {
  territoire: { population: 1000000 },
  datasets: [{ id: 'professionnels-sante', indicateurs: [{ cle: { profession: '10', savoirFaire: 'generalistes' }, champ: 'professionnels', valeur: 900 }] }],
};

describe('services figures of the demo', () => {
  it('gives professionals per 10,000 inhabitants for the commune and its département', () => {
    const h = summarize(dotation, departement).health!;
    expect(h.items[0]).toEqual({ label: 'Médecins généralistes', count: 250, commune: 12.5, departement: 9 });
    expect(h.items.find((i) => i.label === 'Infirmiers')).toMatchObject({ count: 1000, commune: 50, departement: null });
  });

  it('lists equipments by domain, labelled from the source\'s Table Schema, and the air-quality days by class', () => {
    const bpeSource = { id: 'equipements-bpe', champs: [
      { name: 'domaine', type: 'string', categories: [{ value: 'D', label: 'Santé et action sociale' }] },
      { name: 'typequ', type: 'string', categories: [{ value: 'D265', label: 'Médecin généraliste' }] },
    ] };
    const s = summarize(dotation, null, bpeSource);
    expect(s.equipment).toEqual({ dataset: dotation.datasets[1], total: 12, domains: [{ label: 'Santé et action sociale', count: 12, types: ['Médecin généraliste : 10', 'D999 : 2'] }] });
    // Without the source (unreachable), the codes stand for their labels.
    expect(summarize(dotation, null).equipment!.domains[0]).toMatchObject({ label: 'D', types: ['D265 : 10', 'D999 : 2'] });
    expect(s.air!.items.map((i) => [i.label, i.value])).toEqual([['Bon', 300], ['Moyen', 65]]);
    expect(s.health!.items[0].departement).toBeNull();
  });

  it('says nothing of a dataset the dotation does not have', () => {
    expect(summarize({ commune: {}, datasets: [] }, null)).toEqual({ health: null, equipment: null, air: null });
  });
});
