import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import { storeKinds } from '../../tests/helpers/stores.js';
import { ingestForTest } from '../../tests/helpers/ingest.js';
import { createApp } from '../../src/app.js';
import { unzip } from '../../tests/helpers/zip.js';
import { REJECT_UNKNOWN } from '../framework/rekey.js';
import pipeline from './source.js';
import { FIELDS, SUMMARY_AGREGATS } from './project.js';
import { rowObjects, type StoredRows } from '../../src/contract/rows.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';

/** The stored long table (arrays in FIELDS order) named after the declared fields. */
const rowsOf = (record: CommuneRecord) => rowObjects(FIELDS, record.rows as unknown as StoredRows);

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
        const row = rowsOf(cazeres).find((x) => x.exercice === exercice && x.agregat === r['Agrégat']);
        expect(row, r['Agrégat']).toEqual({
          exercice, agregat: r['Agrégat'], montant: Number(r.Montant), montantBP: Number(r['Montant BP']), montantBA: Number(r['Montant BA']),
          montantFluxBPBA: Number(r['Montant flux BP-BA']), populationDgf: Number(r['Population totale']), montantParHabitant: Number(r['Montant en € par habitant']),
        });
      }
    }
    expect(cazeres.rows).toHaveLength(100);
    expect(cazeres.rows!.every((r) => Array.isArray(r) && r.length === FIELDS.length)).toBe(true);
    expect(rowsOf(cazeres).find((x) => x.exercice === '2022' && x.agregat === 'Epargne nette')!.montant).toBeLessThan(0);
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
      const row = rowsOf(merged).find((x) => x.exercice === r.Exercice && x.agregat === r['Agrégat'])!;
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
  it('a row repeated for the same commune, exercice and agrégat', async () => {
    const lines = TEXT.trimEnd().split('\n');
    const file = writeVariant('repeated.csv', [...lines, lines[5]].join('\n'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, column: 'Agrégat', problem: expect.stringContaining('deux lignes pour la commune 31135') });
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

  it('serves the compact long table whole: CSV, commune pack, and the EPCI sums with € per inhabitant recomputed', async () => {
    const app = createApp({ store, registry: [registryEntry('cog'), source], releaseCheckMs: 0 });
    // Each file row as the CSV must give it (no label of the excerpt holds a comma or a quote).
    const expected = plain.map((r) => [r.Exercice, r['Agrégat'], r.Montant, r['Montant BP'], r['Montant BA'], r['Montant flux BP-BA'], r['Population totale'], r['Montant en € par habitant']]
      .map((v, i) => (i < 2 ? v : String(Number(v)))).join(',')).sort();
    const csv = await (await app.request('/commune/31135/datasets/budget-ofgl.csv')).text();
    const [head, ...lines] = csv.trim().split('\n');
    expect(head).toBe(FIELDS.map((f) => f.name).join(','));
    expect(lines.sort()).toEqual(expected);
    const pack = await unzip(Buffer.from(await (await app.request('/commune/31135/dotation.zip')).arrayBuffer()));
    const packed = pack.find((e) => e.path.endsWith('budget-ofgl.csv'))!.text.trim().split('\n');
    expect(packed[0]).toBe(head);
    expect(packed.slice(1).sort()).toEqual(expected);
    // Cazères is the only commune of its EPCI in the sample: the sums are its amounts, the ratio Σ montant / Σ population.
    const epci = await (await app.request('/epci/200068815/dotation')).json() as { datasets: { id: string; indicateurs: { cle: Record<string, string>; champ: string; valeur: number | null }[] }[] };
    const indicateurs = epci.datasets.find((d) => d.id === 'budget-ofgl')!.indicateurs;
    const r = plain.find((x) => x.Exercice === '2023' && x['Agrégat'] === 'Frais de personnel')!;
    const of = (champ: string) => indicateurs.find((i) => i.cle.exercice === '2023' && i.cle.agregat === 'Frais de personnel' && i.champ === champ)!.valeur;
    expect(of('montant')).toBeCloseTo(Number(r.Montant), 6);
    expect(of('montantParHabitant')).toBeCloseTo(Number(r.Montant) / Number(r['Population totale']), 9);
  });
});
