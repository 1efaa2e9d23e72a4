import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import { storeKinds } from '../../tests/helpers/stores.js';
import { ingestForTest } from '../../tests/helpers/ingest.js';
import { createApp } from '../../src/app.js';
import { REJECT_UNKNOWN } from '../framework/rekey.js';
import pipeline from './source.js';
import { SUMMARY_AGREGATS } from './project.js';

const SAMPLE = join(import.meta.dirname, '../../samples/budget-ofgl/ofgl-base-communes-consolidee-31135-excerpt.csv');
const source = registryEntry('budget-ofgl');
const TEXT = readFileSync(SAMPLE, 'utf8');

/** The file read independently of the pipeline: BOM dropped, `;` split (no field of the export is quoted), by header name. */
function plainOf(text: string) {
  const [header, ...lines] = text.replace(/^\uFEFF/, '').trim().split('\n').map((l) => l.split(';'));
  return lines.map((f) => Object.fromEntries(header.map((h, i) => [h, f[i]])));
}
const plain = plainOf(TEXT);
const writeVariant = (name: string, text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'budget-ofgl-')), name);
  writeFileSync(file, text);
  return file;
};

describe('budget-ofgl on the real Cazères excerpt', async () => {
  const run = await runPipeline(pipeline, { source, files: [SAMPLE] });
  const cazeres = run.records.find((r) => r.code === '31135')!;

  it('gives every agrégat of 2022 and 2023 the file\'s Montant, BP/BA split, DGF population and € per inhabitant', () => {
    expect(plain).toHaveLength(100);
    for (const exercice of ['2022', '2023']) {
      const expected = plain.filter((r) => r.Exercice === exercice);
      expect(expected).toHaveLength(50);
      for (const r of expected) {
        const row = cazeres.rows!.find((x) => x.exercice === exercice && x.agregat === r['Agrégat']);
        expect(row, r['Agrégat']).toEqual({
          exercice, agregat: r['Agrégat'], montant: Number(r.Montant), montantBP: Number(r['Montant BP']), montantBA: Number(r['Montant BA']),
          montantFluxBPBA: Number(r['Montant flux BP-BA']), populationDgf: Number(r['Population totale']), montantParHabitant: Number(r['Montant en € par habitant']),
        });
      }
    }
    expect(cazeres.rows).toHaveLength(100);
    expect(cazeres.rows!.find((x) => x.exercice === '2022' && x.agregat === 'Epargne nette')!.montant).toBeLessThan(0);
  });

  it('summarises the ten agrégats over the file\'s exercices with the file\'s values', () => {
    const synthese = cazeres.data.synthese as { exercices: string[]; agregats: { agregat: string; montant: number[]; montantParHabitant: number[] }[] };
    expect(synthese.exercices).toEqual(['2022', '2023']);
    expect(synthese.agregats.map((a) => a.agregat)).toEqual(SUMMARY_AGREGATS);
    for (const a of synthese.agregats) {
      const of = (e: string) => plain.find((r) => r.Exercice === e && r['Agrégat'] === a.agregat)!;
      expect(a.montant).toEqual([Number(of('2022').Montant), Number(of('2023').Montant)]);
      expect(a.montantParHabitant).toEqual([Number(of('2022')['Montant en € par habitant']), Number(of('2023')['Montant en € par habitant'])]);
    }
  });

  it('reads the COG millésime from the header and accounts for every row', () => {
    expect(run.output.metadata).toMatchObject({ millesimeCog: '2024', exercices: ['2022', '2023'] });
    expect(run.output.millesime).toBe('2023');
    expect(run.read).toBe(100);
    expect(run.read).toBe(run.projected + [...run.rejected.values()].reduce((a, b) => a + b, 0));
  });
});

describe('budget-ofgl on an older COG', () => {
  it('sums the amounts of communes merged since and recomputes € per inhabitant, never summing it', async () => {
    // Real Cazères rows written as two 2015 communes merged since into 31085 (31016, 31154), the second with double
    // amounts and another population; and a code the COG never knew, set aside with its reason.
    const [header, ...lines] = TEXT.replace(/^\uFEFF/, '').trim().split('\n');
    const as = (code: string, factor: number, pop: string) => lines.map((l) => {
      const f = l.split(';');
      f[14] = code; f[18] = code; f[26] = pop;
      for (const i of [21, 22, 23, 24]) f[i] = String(Number(f[i]) * factor);
      f[27] = String(Number(f[24]) / Number(pop));
      return f.join(';');
    });
    const file = writeVariant('cog2015.csv', [header.replaceAll(' 2024 ', ' 2015 '), ...as('31016', 1, '1000'), ...as('31154', 2, '3000'), ...as('31999', 1, '10')].join('\n'));
    const run = await runPipeline(pipeline, { source, files: [file] });
    expect(run.output.metadata).toMatchObject({ millesimeCog: '2015', recodage: expect.stringContaining('COG 2015') });
    const merged = run.records.find((r) => r.code === '31085')!;
    expect(merged.data.codesSommes).toEqual(['31016', '31154']);
    for (const r of plain) {
      const row = merged.rows!.find((x) => x.exercice === r.Exercice && x.agregat === r['Agrégat'])!;
      const montant = Number(r.Montant) + 2 * Number(r.Montant);
      expect(row.montant).toBeCloseTo(montant, 6);
      expect(row.populationDgf).toBe(4000);
      expect(row.montantParHabitant).toBeCloseTo(montant / 4000, 9);
    }
    expect(run.rejected.get(REJECT_UNKNOWN)).toBe(100);
    expect(run.read).toBe(300);
    expect(run.projected).toBe(200);
  });
});

describe('budget-ofgl refuses a wrong or drifted file, naming file, line and column', () => {
  const variant = (name: string, edit: (t: string) => string) => writeVariant(name, edit(TEXT));

  it('a file of another source', async () => {
    const other = join(import.meta.dirname, '../../samples/etat-civil-insee/DS_ETAT_CIVIL_NAIS_COMMUNES_data-excerpt.csv');
    await expect(runPipeline(pipeline, { source, files: [other] })).rejects.toMatchObject({ sourceId: 'budget-ofgl', file: other, line: 1, column: 'Exercice' });
  });

  it('a missing column, looked for by its stable prefix', async () => {
    const file = variant('renamed.csv', (t) => t.replace('Code Insee 2024 Commune', 'Code commune'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, line: 1, column: 'Code Insee Commune', problem: expect.stringContaining('Code Insee <année> Commune') });
  });

  it('an amount that is not a number', async () => {
    const file = variant('amount.csv', (t) => t.replace(';740840.0;0.0;0.0;740840.0;', ';740840.0;0.0;0.0;740 840,0;'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, line: 30, column: 'Montant', problem: expect.stringContaining('740 840,0') });
  });

  it('an exercice that is not a year', async () => {
    const lines = TEXT.split('\n');
    lines[41] = lines[41].replace(/^2022;/, 'exercice 2022;');
    const file = writeVariant('year.csv', lines.join('\n'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, line: 42, column: 'Exercice' });
  });
});

describe.each(storeKinds)('budget-ofgl served on $name', (kind) => {
  let store: Awaited<ReturnType<typeof kind.open>>;
  beforeAll(async () => { store = await kind.open(); await ingestForTest(store, { sources: ['cog', 'budget-ofgl'], sample: true }); }, 120_000);
  afterAll(() => store.dispose());

  it('serves Cazères\' accounts and keeps them byte-identical when a drifted file is refused', async () => {
    const app = createApp({ store, registry: [registryEntry('cog'), source], releaseCheckMs: 0 });
    const get = async (path: string) => { const r = await app.request(path); expect(r.status, path).toBe(200); return r.text(); };
    const before = [await get('/commune/31135/datasets/budget-ofgl'), await get('/commune/31135/datasets/budget-ofgl.csv')];
    expect(before[1].split('\n')[0]).toContain('montantParHabitant');
    const broken = writeVariant('broken.csv', TEXT.replace(';740840.0;0.0;0.0;740840.0;', ';740840.0;0.0;0.0;n/a;'));
    await expect(ingestForTest(store, { sources: ['budget-ofgl'], inputs: new Map([['budget-ofgl', [broken]]]) })).rejects.toThrow(/\[budget-ofgl\] .*broken\.csv, ligne 30, colonne Montant/);
    expect([await get('/commune/31135/datasets/budget-ofgl'), await get('/commune/31135/datasets/budget-ofgl.csv')]).toEqual(before);
  });
});
