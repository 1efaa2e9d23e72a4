/**
 * The card's series for building permits (sitadel) and public contracts
 * (marches-publics-decp), read from `donnees` shaped as those pipelines write them.
 */
import { beforeAll, describe, expect, it } from 'vitest';

type Series = { items: { label: string; value: number; display: string }[]; dataset: { id: string } } | null;
let summarize: (dotation: unknown) => { permits: Series; contracts: Series };

beforeAll(async () => {
  // @ts-expect-error plain browser scripts: they define globals and export nothing
  await import('../../demo/assets/util.js');
  // @ts-expect-error idem
  await import('../../demo/assets/figures.js');
  summarize = (globalThis as unknown as { DotationFigures: { summarize: typeof summarize } }).DotationFigures.summarize;
});

const ds = (id: string, statut: string, donnees?: unknown) => ({ id, titre: id, producteur: 'P', millesime: '2026', statut, ...(donnees ? { donnees } : {}) });
const commune = { code: '31555', nom: 'Toulouse', population: 500000 };
const digits = (s: string) => s.replace(/\s/g, '');

describe('card series for permits and contracts', () => {
  it('adds the four lists per year, with the housing units created', () => {
    const parAnnee = [
      { annee: '2014', liste: 'permis-demolir', autorisations: 60, logementsCrees: null },
      { annee: '2013', liste: 'logements', autorisations: 14, logementsCrees: 285 },
      { annee: '2013', liste: 'permis-demolir', autorisations: 66, logementsCrees: null },
    ];
    const { permits } = summarize({ commune, datasets: [ds('sitadel', 'available', { parAnnee })] });
    expect(permits!.items.map((i) => [i.label, i.value])).toEqual([['2013', 80], ['2014', 60]]);
    expect(digits(permits!.items[0].display)).toBe('80·285logements');
  });

  it('counts the contracts the commune passed per year, with their amount', () => {
    const passes = { parAnnee: [{ annee: '2023', marches: 2, montant: 185000 }, { annee: '2024', marches: 1, montant: 300000 }] };
    const { contracts } = summarize({ commune, datasets: [ds('marches-publics-decp', 'available', { passes, executes: null })] });
    expect(contracts!.items.map((i) => [i.label, i.value])).toEqual([['2023', 2], ['2024', 1]]);
    expect(digits(contracts!.items[0].display)).toBe('2·185000€');
  });

  it('draws nothing for a commune without data', () => {
    const m = summarize({ commune, datasets: [ds('sitadel', 'no-data-for-commune'), ds('marches-publics-decp', 'available', { passes: null })] });
    expect(m.permits).toBeNull();
    expect(m.contracts).toBeNull();
  });
});
