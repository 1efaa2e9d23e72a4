import { describe, expect, it } from 'vitest';
import { dotationParts } from './json-parts.js';
import type { Dotation } from './schema.js';

const head = (id: string, statut: 'available' | 'no-data-for-commune' | 'not-ingested') => ({
  id, titre: `Titre « ${id} », avec "guillemets", ,"liens": et\nretour\t\\`, producteur: 'INSEE',
  licence: { id: 'etalab-2.0', nom: 'Licence Ouverte 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte' },
  finalite: 'Service' as const, millesime: statut === 'not-ingested' ? null : '2025', statut,
});

function dotation(code: string, figures: number): Dotation {
  const base = `/commune/${code}/datasets`;
  return {
    commune: { code, nom: `Commune ${code}`, codesPostaux: ['35000'] } as never,
    release: { id: 'r1', publieeLe: '2026-11-27T00:00:00.000Z' },
    datasets: [
      { ...head('cog', 'available'), liens: { source: '/sources/cog' } },
      { ...head('statistiques-insee', 'available'), liens: { json: `${base}/statistiques-insee`, csv: `${base}/statistiques-insee.csv`, source: '/sources/statistiques-insee' }, donnees: { population: figures, nom: 'Émile "Zola" \u2028' } },
      { ...head('ban', 'no-data-for-commune'), liens: { source: '/sources/ban' } },
      { ...head('qpv', 'not-ingested'), raison: 'Non ingéré dans cette version : `dotation ingest qpv`.', liens: { source: '/sources/qpv' } },
    ],
  } as Dotation;
}

const joined = (doc: Dotation) => dotationParts(doc).map((p) => p.text).join('');

describe('dotationParts', () => {
  it('cuts the document into parts whose concatenation is JSON.stringify of it, escapes included', () => {
    for (const doc of [dotation('35238', 230890), dotation('2A004', 0), { ...dotation('01001', 1), datasets: [] }]) {
      expect(joined(doc)).toBe(JSON.stringify(doc));
    }
  });

  it('marks shared what is the same in every commune, own what carries the commune', () => {
    const [rennes, ajaccio] = [dotation('35238', 230890), dotation('2A004', 70000)].map(dotationParts);
    const shared = (parts: typeof rennes) => parts.filter((p) => p.shared).map((p) => p.text);
    // The same shared texts, in the same order, for two communes with the same statuses.
    expect(shared(rennes)).toEqual(shared(ajaccio));
    for (const part of rennes) {
      if (part.shared) expect(part.text).not.toMatch(/35238|230890/);
    }
    // Own: the commune and release, and the rest of the one entry with figures and links.
    expect(rennes.filter((p) => !p.shared).map((p) => p.text)).toEqual([
      expect.stringMatching(/^\{"commune":\{"code":"35238".*,"datasets":\[$/),
      expect.stringMatching(/^,"liens":\{"json":"\/commune\/35238\/datasets\/statistiques-insee".*"population":230890.*\}$/s),
    ]);
    // Each entry's head goes to its `liens`; the whole of an entry with nothing of the commune's is shared.
    expect(rennes.filter((p) => p.shared)).toHaveLength(4 + 3 + 1);
  });

  it('keeps a document whose datasets are not last as one own part', () => {
    const { datasets, ...rest } = dotation('35238', 1);
    const odd = { datasets, ...rest } as Dotation;
    expect(dotationParts(odd)).toEqual([{ text: JSON.stringify(odd), shared: false }]);
  });
});
