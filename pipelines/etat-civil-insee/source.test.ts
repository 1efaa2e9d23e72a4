import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import pipeline from './source.js';
import { REJECT_PSEUDO } from './project.js';

const samples = join(import.meta.dirname, '../../samples/etat-civil-insee');
const DATA = join(samples, 'DS_ETAT_CIVIL_NAIS_COMMUNES_data-excerpt.csv');
const META = join(samples, 'DS_ETAT_CIVIL_NAIS_COMMUNES_metadata-excerpt.csv');
const source = registryEntry('etat-civil-insee');

/** A file read independently of the pipeline: quotes stripped, `;` split. */
const plainOf = (file: string) => readFileSync(file, 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split(';').map((f) => f.replace(/^"|"$/g, '')))
  .map(([mesure, , geo, niveau, statut, annee, valeur]) => ({ mesure, geo, niveau, statut, annee, valeur }));
const plain = plainOf(DATA);

describe('etat-civil-insee on the real births excerpt', async () => {
  const run = await runPipeline(pipeline, { source, files: [DATA, META] });
  const rowsOf = (code: string) => run.records.find((r) => r.code === code)?.rows ?? [];

  it('gives every year of Paris, Marseille and Ajaccio the births of the file', () => {
    for (const code of ['75056', '13055', '2A004']) {
      const expected = plain.filter((r) => r.geo === code && r.niveau === 'COM').map((r) => [r.annee, Number(r.valeur)]);
      expect(expected).toHaveLength(17);
      expect(rowsOf(code).map((r) => [r.annee, r.naissances])).toEqual(expected);
    }
  });

  it('keeps Mayotte\'s missing early years null with status M, never 0', () => {
    const early = rowsOf('97601').filter((r) => Number(r.annee) <= 2013);
    expect(early).toHaveLength(6);
    for (const r of early) expect(r).toMatchObject({ naissances: null, statutNaissances: 'M', soldeNaturel: null });
    expect(rowsOf('97601').find((r) => r.annee === '2014')?.naissances).toEqual(expect.any(Number));
  });

  it('serves arrondissements and sets the pseudo-arrondissement 751XX aside with its reason', () => {
    expect(rowsOf('75116').map((r) => r.naissances)).toEqual(plain.filter((r) => r.geo === '75116').map((r) => Number(r.valeur)));
    expect(run.rejected.get(REJECT_PSEUDO)).toBe(17);
    expect(run.records.some((r) => r.code.includes('X'))).toBe(false);
  });

  it('reads communes and arrondissements only, and accounts for every row read', () => {
    const comArm = plain.filter((r) => r.niveau === 'COM' || r.niveau === 'ARM').length;
    expect(run.read).toBe(comArm);
    expect(run.read).toBe(run.projected + [...run.rejected.values()].reduce((a, b) => a + b, 0));
    expect(run.notes.get('lignesAutresNiveaux')).toBe(plain.length - comArm);
    expect(run.output.millesime).toBe('2024');
    expect(run.output.metadata).toMatchObject({ periode: '2008-2024', mesures: [{ code: 'LVB', libelle: 'Nombre de naissances vivantes' }] });
  });

  it('leaves deaths and the natural balance empty when the deaths file is not given, and says why', () => {
    expect(rowsOf('01001').every((r) => r.deces === null && r.soldeNaturel === null)).toBe(true);
    expect(run.output.metadata).toMatchObject({ absences: { deces: expect.stringContaining('DS_ETAT_CIVIL_DECES_COMMUNES') } });
    expect(run.records.find((r) => r.code === '01001')!.data).toMatchObject({ absences: { deces: expect.stringContaining('DS_ETAT_CIVIL_DECES_COMMUNES') } });
  });
});

describe('etat-civil-insee with births and the deaths file (illustrative values, exact layout)', async () => {
  const DEATHS = join(samples, 'DS_ETAT_CIVIL_DECES_COMMUNES_data-illustratif.csv');
  const deaths = plainOf(DEATHS);
  const run = await runPipeline(pipeline, { source, files: [DATA, META, DEATHS] });
  const rowsOf = (code: string) => run.records.find((r) => r.code === code)?.rows ?? [];

  it('gives each year the deaths of the file and the natural balance births − deaths', () => {
    for (const code of ['75056', '13055', '2A004', '01001']) {
      const born = new Map(plain.filter((r) => r.geo === code && r.niveau === 'COM').map((r) => [r.annee, Number(r.valeur)]));
      const died = deaths.filter((r) => r.geo === code && r.niveau === 'COM').map((r) => [r.annee, Number(r.valeur)] as const);
      expect(died).toHaveLength(17);
      expect(rowsOf(code).map((r) => [r.annee, r.deces, r.soldeNaturel])).toEqual(died.map(([y, d]) => [y, d, born.get(y)! - d]));
    }
  });

  it('keeps a missing value of either measure null with its status, and the balance null', () => {
    for (const r of rowsOf('97601').filter((x) => Number(x.annee) <= 2013)) {
      expect(r).toMatchObject({ naissances: null, deces: null, statutNaissances: 'M', statutDeces: 'M', soldeNaturel: null });
    }
  });

  it('accounts for the rows of both files and says no measure is missing', () => {
    const comArm = [...plain, ...deaths].filter((r) => r.niveau === 'COM' || r.niveau === 'ARM').length;
    expect(run.read).toBe(comArm);
    expect(run.read).toBe(run.projected + [...run.rejected.values()].reduce((a, b) => a + b, 0));
    expect(run.rejected.get(REJECT_PSEUDO)).toBe(34);
    expect(run.output.metadata).not.toHaveProperty('absences');
  });
});

describe('etat-civil-insee refuses a drifted file, naming file, line and column', () => {
  const broken = (name: string, edit: (text: string) => string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'etat-civil-')), name);
    copyFileSync(DATA, file);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return file;
  };

  it('a renamed column', async () => {
    const file = broken('renamed.csv', (t) => t.replace('"OBS_VALUE"', '"VALEUR"'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 1, column: 7 });
  });

  it('a value that is not a count', async () => {
    const file = broken('value.csv', (t) => t.replace('"01001";"COM";"A";2010;7', '"01001";"COM";"A";2010;sept'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 4, column: 'OBS_VALUE' });
  });

  it('a year that is not a year', async () => {
    const file = broken('year.csv', (t) => t.replace('"01001";"COM";"A";2009;13', '"01001";"COM";"A";T2009;13'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 3, column: 'TIME_PERIOD' });
  });

  it('a file of another source', async () => {
    const other = join(import.meta.dirname, '../../samples/arcep-sites/sites-metropole-extrait.csv');
    await expect(runPipeline(pipeline, { source, files: [other] })).rejects.toMatchObject({ line: 1 });
  });
});
