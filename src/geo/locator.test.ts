import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testReferential } from '../../tests/helpers/run-pipeline.js';
import { type Areal, pointInside } from './measure.js';
import { CommuneLocator, locateAmong, PolygonIndex, resolveLocation } from './locator.js';

const samples = join(import.meta.dirname, '../../samples/communes-contours');

function contours(): { code: string; geometry: Areal }[] {
  return readdirSync(samples).filter((f) => f.endsWith('.geojson')).flatMap((f) =>
    (JSON.parse(readFileSync(join(samples, f), 'utf8')) as GeoJSON.FeatureCollection<Areal>).features.map((x) => ({ code: String(x.properties!.code), geometry: x.geometry })));
}

function banLines(): Record<string, string>[] {
  const [header, ...lines] = readFileSync(join(samples, 'ban-adresses-extrait.csv'), 'utf8').trim().split('\n');
  const names = header.split(';');
  return lines.map((l) => Object.fromEntries(l.split(';').map((v, i) => [names[i], v])));
}

describe('commune locator', () => {
  const entries = contours();
  const referential = testReferential();
  const locator = new CommuneLocator(entries, (c) => referential.plmParent(c));

  it('finds every commune at its own centre', () => {
    expect(locator.size).toBe(500);
    for (const e of entries) expect(locator.locate(...(pointInside(e.geometry) as [number, number]))?.commune, e.code).toBe(e.code);
  });

  it('finds real BAN addresses in their commune (Ristolas addresses in the Ristolas polygon)', () => {
    const covered = new Set(entries.map((e) => e.code));
    let checked = 0;
    let ristolas = 0;
    for (const l of banLines()) {
      // The polygons are of the 2018 COG: an address of Abriès-Ristolas filed under
      // the former commune Ristolas (05120) lies in the Ristolas polygon.
      const expected = l.code_insee_ancienne_commune || l.code_insee;
      if (!covered.has(expected) || expected === '05012') continue;
      expect(locator.locate(Number(l.lon), Number(l.lat))?.commune, l.id).toBe(expected);
      checked++;
      if (expected === '05120') ristolas++;
    }
    expect(checked).toBeGreaterThan(130);
    expect(ristolas).toBeGreaterThan(2);
  });

  it('finds no commune for points at sea or outside the polygons', () => {
    const sea: [number, number][] = [
      [-2.0, 48.75], // Manche, between Saint-Malo and Jersey
      [8.62, 41.85], // golfe d'Ajaccio
      [8.3, 41.5], // Mediterranean west of Corse-du-Sud
      [55.45, -20.8], // Indian Ocean north of Saint-Denis (La Réunion)
      [55.1, -21.1], // Indian Ocean west of Saint-Paul
      [0, 0],
    ];
    for (const p of sea) expect(locator.locate(...p), p.join(',')).toBeUndefined();
    expect(locator.locate(Number.NaN, 45)).toBeUndefined();
  });

  it('answers the same from bbox-filtered candidates without an index', () => {
    const rennes = entries.find((e) => e.code === '35238')!;
    const p = pointInside(rennes.geometry);
    const index = new PolygonIndex(entries);
    const candidates = index.candidates(p[0], p[1], p[0], p[1]);
    expect(candidates).toContain('35238');
    expect(locateAmong(entries.filter((e) => candidates.includes(e.code)), p[0], p[1], () => undefined)).toEqual({ commune: '35238' });
  });

  it('answers commune and arrondissement for Paris, Lyon, Marseille', () => {
    const parentOf = (c: string) => referential.plmParent(c);
    expect(resolveLocation(['75056', '75106'], parentOf)).toEqual({ commune: '75056', arrondissement: '75106' });
    expect(resolveLocation(['69383'], parentOf)).toEqual({ commune: '69123', arrondissement: '69383' });
    expect(resolveLocation(['13055', '13201'], parentOf)).toEqual({ commune: '13055', arrondissement: '13201' });
    expect(resolveLocation(['35238'], parentOf)).toEqual({ commune: '35238' });
    expect(resolveLocation([], parentOf)).toBeUndefined();
  });
});
