/**
 * The card's figures (src/demo/assets/figures.js, a browser script) read from
 * dotation JSON shaped as the API serves it (excerpts of real responses).
 */
import { beforeAll, describe, expect, it } from 'vitest';

type Figure = { id: string; value: number | null; display: string; millesime: string | null; source: string | null; missing: string | null; detail: string | null; datasetId: string | null };
type Model = { headline: Figure[]; more: Figure[]; election: { dataset: { id: string }; participation: number } | null; coverage: { available: number; total: number }; layers: Record<string, { id: string } | null> };
let summarize: (dotation: unknown, sources?: Record<string, unknown>) => Model;

beforeAll(async () => {
  // @ts-expect-error plain browser scripts: they define globals and export nothing
  await import('../../demo/assets/util.js');
  // @ts-expect-error idem
  await import('../../demo/assets/figures.js');
  summarize = (globalThis as unknown as { DotationFigures: { summarize: typeof summarize } }).DotationFigures.summarize;
});

const licence = { id: 'etalab-2.0', nom: 'Licence Ouverte 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence' };
const ds = (id: string, statut: string, millesime: string | null, donnees?: unknown, producteur = 'Producteur') => ({
  id, titre: id, producteur, licence, millesime, statut,
  liens: { ...(statut === 'available' ? { json: `/x/${id}`, csv: `/x/${id}.csv` } : {}), source: `/sources/${id}` }, ...(donnees ? { donnees } : {}),
});
const election = (date: string, inscrits: number, votants: number, candidats: unknown[]) => ({
  scrutin: { date, libelle: `Scrutin du ${date}` }, inscrits, votants, exprimes: votants - 10, candidats,
});

const rennes = {
  commune: { code: '35238', nom: 'Rennes', population: 230890 },
  release: { id: '20261126T164538Z-7149' },
  datasets: [
    ds('cog', 'available', '2026', undefined, 'INSEE (COG)'),
    ds('statistiques-insee', 'available', 'RP2018', { millesime: 'RP2018', valeurs: { population: 217728, tauxChomage: 16.13, medianeNiveauVie: null }, statuts: { medianeNiveauVie: 'non-additionnable' } }, 'INSEE'),
    ds('communes-contours', 'available', '2025', { surface: { km2: 50.44 } }, 'IGN'),
    ds('iris-contours', 'no-data-for-commune', '2026'),
    ds('qpv', 'available', '2024', { nombreQpv: 1, partCommuneEnQpv: 0.028, qpv: [{ nom: 'Rennes Sud-Ouest' }] }, 'ANCT'),
    ds('elections-pres-2022-t2', 'available', '2022', election('2022-04-24', 129480, 78618, [{ candidat: 'Emmanuel MACRON', voix: 44316, pourcentageVoixExprimes: 57.18 }])),
    ds('elections-euro-2024', 'available', '2024', election('2024-06-09', 94229, 53571, [{ candidat: 'B', voix: 10, nuance: 'LENS' }, { candidat: 'A', voix: 20, nuance: 'LUG', pourcentageVoixExprimes: 23.2 }]), 'Ministère de l\'Intérieur'),
    ds('elections-legi-2024-t2', 'no-data-for-commune', '2024'),
    ds('ban', 'not-ingested', null),
  ],
};

/** `/sources/statistiques-insee`, as the card fetches it through `liens.source`. */
const inseeSource = {
  id: 'statistiques-insee', metadonnees: {
    definitions: [
      { id: 'population', libelle: 'Population en 2018', millesime: '2018', unite: 'habitants' },
      { id: 'tauxChomage', libelle: 'Taux de chômage', millesime: '2018', unite: '%' },
      { id: 'medianeNiveauVie', libelle: 'Médiane du niveau de vie', millesime: '2019', unite: '€' },
    ],
  },
};
const withSources = (dotation: unknown) => summarize(dotation, { 'statistiques-insee': inseeSource });

const fig = (m: Model, id: string) => [...m.headline, ...m.more].find((f) => f.id === id)!;

describe('card figures', () => {
  it('takes population from the referential, with its millésime and source', () => {
    const f = fig(withSources(rennes), 'population');
    expect(f).toMatchObject({ value: 230890, millesime: 'COG 2026', source: 'INSEE (COG)', missing: null, datasetId: 'cog' });
    expect(f.display.replace(/\s/g, '')).toBe('230890');
    expect(f.detail).toContain('Recensement 2018');
  });

  it('shows the most recent election available, its participation and who came first', () => {
    const m = summarize(rennes);
    expect(m.election!.dataset.id).toBe('elections-euro-2024');
    const f = fig(m, 'elections');
    expect(f.value).toBeCloseTo(53571 / 94229, 10);
    expect(f.millesime).toBe('9 juin 2024');
    expect(f.detail).toContain('en tête : A (LUG), 23,2\u00a0%');
  });

  it('says why a figure is missing instead of showing a number', () => {
    const m = summarize(rennes);
    expect(fig(m, 'adresses')).toMatchObject({ value: null, missing: 'Base Adresse Nationale : non ingéré dans cette release' });
    expect(fig(m, 'couverture')).toMatchObject({ value: null, missing: 'ARCEP : non enregistré sur cette instance' });
    expect(fig(m, 'insee-medianeNiveauVie')).toMatchObject({ value: null, display: 'non publié', detail: 'non-additionnable' });
    const noElection = summarize({ ...rennes, datasets: rennes.datasets.filter((d) => !d.id.startsWith('elections-') || d.statut !== 'available') });
    expect(fig(noElection, 'elections').missing).toBe('Résultats électoraux : aucune donnée pour cette commune');
  });

  it('reads QPV, area, INSEE and BAN figures from their datasets', () => {
    const withBan = { ...rennes, datasets: rennes.datasets.map((d) => d.id === 'ban' ? ds('ban', 'available', '2026', { adresses: 1183, voies: 103, lieuxDits: 0, partCertifiee: 1 }) : d) };
    const m = withSources(withBan);
    expect(fig(m, 'adresses')).toMatchObject({ value: 1183, millesime: '2026', detail: '103 voies · 100\u00a0% certifiées par la commune' });
    expect(fig(m, 'qpv')).toMatchObject({ value: 1, detail: '2,8\u00a0% du territoire · Rennes Sud-Ouest' });
    expect(fig(m, 'superficie')).toMatchObject({ value: 50.44, millesime: '2025', source: 'IGN' });
    expect(fig(m, 'insee-tauxChomage')).toMatchObject({ value: 16.13, display: '16,1\u00a0%', millesime: '2018' });
    expect(m.coverage).toEqual({ available: 6, total: 8 });
  });

  it('asks for the INSEE source only when its dataset is available and not inlined', () => {
    const needsSource = (globalThis as unknown as { DotationFigures: { needsSource: (d: unknown) => { id: string }[] } }).DotationFigures.needsSource;
    expect(needsSource(rennes).map((d) => d.id)).toEqual(['statistiques-insee']);
    const inlined = { ...rennes, datasets: rennes.datasets.map((d) => d.id === 'statistiques-insee' ? { ...d, source: inseeSource } : d) };
    expect(needsSource(inlined)).toEqual([]);
    expect(fig(summarize(inlined), 'insee-tauxChomage').millesime).toBe('2018');
  });

  it('finds the INSEE statistics under a former registry id, and the map layers', () => {
    const renamed = { ...rennes, datasets: rennes.datasets.map((d) => d.id === 'statistiques-insee' ? { ...d, id: 'insee-comparateur' } : d) };
    expect(fig(summarize(renamed), 'insee-tauxChomage').value).toBe(16.13);
    // Without the source's definitions (fetch failed), the value stays, without its millésime of its own.
    expect(fig(summarize(rennes), 'insee-tauxChomage')).toMatchObject({ value: 16.13, millesime: 'RP2018' });
    const m = summarize(rennes);
    expect(m.layers.contour!.id).toBe('communes-contours');
    expect(m.layers.iris!.id).toBe('iris-contours');
  });
});
