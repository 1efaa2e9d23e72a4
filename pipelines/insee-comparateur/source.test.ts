import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import _7z from '7zip-min';
import pipeline from './source.js';
import { bindHeader, HeaderProblem, REJECT, type IndicatorDefinition } from './project.js';
import { runPipeline, registryEntry, type PipelineRun } from '../../tests/helpers/run-pipeline.js';
import { SourceError } from '../framework/errors.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { rowObjects } from '../../src/contract/rows.js';

// Test excerpts of the real files (see samples/insee-comparateur/README.md).
const samples = join(import.meta.dirname, '../../samples/insee-comparateur');
const DATA = join(samples, 'test-base_cc_comparateur-24-lignes.CSV');
const META = join(samples, 'test-meta_base_cc_comparateur.CSV');
const source = registryEntry('statistiques-insee');

/** A commune's value and status, with what the load's metadata says once of the indicator (millésime, unit, label). */
const runOf = new WeakMap<CommuneRecord, PipelineRun>();
const find = (run: PipelineRun, code: string) => {
  const record = run.records.find((r) => r.code === code);
  if (record) runOf.set(record, run);
  return record;
};
const ind = (r: CommuneRecord | undefined, id: string) => {
  const def = (runOf.get(r!)!.output.metadata!.definitions as IndicatorDefinition[]).find((d) => d.id === id)!;
  const statut = (r!.data.statuts as Record<string, string> | undefined)?.[id];
  return { ...def, valeur: (r!.data.valeurs as Record<string, number | null>)[id], ...(statut ? { statut } : {}) };
};

describe('insee-comparateur on the real 2022 excerpt (two CSVs given directly)', () => {
  let run: PipelineRun;
  beforeAll(async () => {
    run = await runPipeline(pipeline, { source, files: [META, DATA] });
  });

  it('reads every row and projects or rejects each one', () => {
    expect(run.read).toBe(24);
    expect(run.projected).toBe(24);
    expect([...run.rejected.values()].reduce((a, b) => a + b, 0)).toBe(0);
    // 35112 Fleurigné is summed onto 35062 La Chapelle-Fleurigné: 24 rows, 23 communes.
    expect(run.records).toHaveLength(23);
    expect(run.output.millesime).toBe('RP2018');
  });

  it('gives each indicator its value, millésime, unit and the dictionary definition', () => {
    const ajaccio = find(run, '2A004');
    expect(ind(ajaccio, 'population')).toMatchObject({
      valeur: 70817, millesime: '2018', unite: 'habitants', variable: 'P18_POP', libelle: 'Population en 2018',
    });
    expect(ind(ajaccio, 'naissancesPeriode')).toMatchObject({
      valeur: 2682, millesime: '2013-2018', libelle: 'Naissances entre 2013 et 2018',
    });
    expect(ind(ajaccio, 'medianeNiveauVie')).toMatchObject({ valeur: 21900, millesime: '2019', unite: '€' });
    expect(ind(ajaccio, 'superficie')).toMatchObject({ valeur: 82.03, unite: 'km²', millesime: null });
    expect(ind(ajaccio, 'densite').valeur).toBe(863.3);
    expect(ind(ajaccio, 'etablissementsAgriculture')).toMatchObject({ valeur: 8, libelle: 'Ets actifs agriculture fin 2018' });
    expect(ind(ajaccio, 'evolutionPopulation')).toMatchObject({ millesime: '2013-2018', unite: '% par an' });
    expect(ind(ajaccio, 'evolutionPopulation').valeur).toBeCloseTo((Math.pow(70817 / 67507, 1 / 5) - 1) * 100, 2);
    expect(ind(ajaccio, 'tauxChomage').valeur).toBeCloseTo((3082.7475305254 / 31792.8677628302) * 100, 2);
  });

  it('publishes secret values as null with a status, never 0', () => {
    const r = find(run, '35002');
    expect(ind(r, 'partMenagesImposes')).toMatchObject({ valeur: null, statut: 'secret', variable: 'PIMP19' });
    expect(ind(r, 'population')).toMatchObject({ valeur: 1733 });
    expect(ind(r, 'population').statut).toBeUndefined();
  });

  it('keeps Mayotte: census columns secret, civil registration published', () => {
    const mamoudzou = find(run, '97611');
    expect(ind(mamoudzou, 'population')).toMatchObject({ valeur: null, statut: 'secret' });
    expect(ind(mamoudzou, 'densite')).toMatchObject({ valeur: null, statut: 'secret' });
    expect(ind(mamoudzou, 'naissances')).toMatchObject({ valeur: 2775, millesime: '2020' });
    expect(ind(mamoudzou, 'deces').valeur).toBe(285);
  });

  it('keeps arrondissements and the file’s own PLM parent rows', () => {
    expect(ind(find(run, '75056'), 'population').valeur).toBe(2175601);
    expect(ind(find(run, '75101'), 'population').valeur).toBe(16093);
    expect(ind(find(run, '13055'), 'population').valeur).toBe(868277);
    expect(ind(find(run, '69381'), 'population').valeur).toBe(29523);
    expect(find(run, '75056')?.data.codesSommes).toBeUndefined();
  });

  it('sums a commune merged since the edition onto today’s commune, listing the codes summed', () => {
    const r = find(run, '35062');
    expect(r?.data.codesSommes).toEqual(['35062', '35112']);
    expect(ind(r, 'population').valeur).toBe(1459 + 952);
    expect(ind(r, 'etablissements').valeur).toBe(find35062Raw('ETTOT18') + 15);
    expect(ind(r, 'medianeNiveauVie')).toMatchObject({ valeur: null, statut: 'non-additionnable' });
    expect(ind(r, 'densite').valeur).toBeCloseTo((1459 + 952) / (26.96 + 18.17), 1);
    expect(find(run, '35112')).toBeUndefined();
  });

  it('writes one wide CSV row per commune, its values in the order of the Table Schema, each name there once', () => {
    const r = find(run, '35238')!;
    const names = run.output.fields!.map((f) => f.name);
    expect(names).toEqual(['code', ...Object.keys(r.data.valeurs as object), 'statuts']);
    // Positional: the row carries values only, the same as `data.valeurs` (one stored value per indicator and commune).
    expect(r.rows).toEqual([['35238', ...Object.values(r.data.valeurs as object), null]]);
    expect(JSON.stringify(r.rows)).not.toContain('population');
    const [row] = rowObjects(run.output.fields, r.rows!);
    expect(row).toMatchObject({ code: '35238', population: 217728, statuts: null });
    expect(run.output.fields!.find((f) => f.name === 'population')).toMatchObject({ unit: 'habitants', aggregation: 'sum', description: 'Population en 2018 (P18_POP, 2018)' });
    expect(run.output.fields!.find((f) => f.name === 'medianeNiveauVie')).toMatchObject({ unit: '€', aggregation: 'none' });
    expect(rowObjects(run.output.fields, find(run, '35002')!.rows!)[0].statuts).toContain('partMenagesImposes=secret');
  });

  it('stores only the commune’s figures: no definition, unit or label in any record', () => {
    for (const r of run.records) {
      expect(Object.keys(r.data).filter((k) => k !== 'codesSommes')).toEqual(r.data.statuts ? ['millesime', 'valeurs', 'statuts'] : ['millesime', 'valeurs']);
      for (const v of Object.values(r.data.valeurs as object)) expect(v === null || typeof v === 'number').toBe(true);
    }
    const rennes = JSON.stringify(find(run, '35238')!.data);
    expect(rennes).not.toContain('habitants');
    expect(rennes).not.toContain('P18_POP');
  });

  it('writes each record as the very bytes JSON.stringify gives of its objects (what the content hash is taken over)', () => {
    expect(run.texts).toHaveLength(run.records.length);
    run.records.forEach((r, i) => {
      expect(run.texts[i].data).toBe(JSON.stringify(r.data));
      expect(run.texts[i].rows).toBe(JSON.stringify(r.rows));
    });
    expect(run.texts.some((t) => t.data.includes('"codesSommes"') && t.data.includes('"statuts"'))).toBe(true);
  });

  it('puts the dictionary definitions in the source metadata', () => {
    const defs = run.output.metadata!.definitions as { id: string; variable: string; definition: string }[];
    expect(defs.find((d) => d.id === 'logementsVacants')).toMatchObject({ variable: 'P18_LOGVAC', definition: 'Nombre de logements vacants en 2018' });
    expect(defs.find((d) => d.id === 'densite')?.variable).toBe('P18_POP / SUPERF');
  });
});

function find35062Raw(variable: string): number {
  const lines = readFileSync(DATA, 'utf8').split('\r\n');
  const header = lines[0].split(';');
  const row = lines.find((l) => l.startsWith('35062;'))!.split(';');
  return Number(row[header.indexOf(variable)]);
}

describe('insee-comparateur from the INSEE zip', () => {
  it('extracts the .CSV and meta_….CSV from the archive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'insee-zip-'));
    copyFileSync(DATA, join(dir, 'base_cc_comparateur.CSV'));
    copyFileSync(META, join(dir, 'meta_base_cc_comparateur.CSV'));
    // No `.zip` suffix on purpose: the download cache does not keep file names.
    const zip = join(dir, 'download.bin');
    await _7z.cmd(['a', '-tzip', zip, join(dir, 'base_cc_comparateur.CSV'), join(dir, 'meta_base_cc_comparateur.CSV')]);
    const run = await runPipeline(pipeline, { source, files: [zip] });
    expect(run.read).toBe(24);
    expect(run.records).toHaveLength(23);
    expect(run.output.metadata!.fichier).toBe('base_cc_comparateur.CSV');
  });
});

describe('insee-comparateur on the 2025 layout', () => {
  it('reads decimal commas and the `s` secret marker', async () => {
    const run = await runPipeline(pipeline, { source, files: [join(samples, 'test-base_cc_comparateur-2025-format.CSV'), META] });
    expect(run.output.millesime).toBe('RP2022');
    const a = find(run, '01004');
    expect(ind(a, 'partMenagesImposes')).toMatchObject({ valeur: 50, millesime: '2021', unite: '%' });
    expect(ind(a, 'tauxPauvrete').valeur).toBe(17);
    expect(ind(a, 'population')).toMatchObject({ valeur: 15554, millesime: '2022' });
    expect(ind(a, 'superficie').valeur).toBe(24.6);
    const b = find(run, '01001');
    expect(ind(b, 'partMenagesImposes')).toMatchObject({ valeur: null, statut: 'secret' });
    expect(ind(b, 'medianeNiveauVie').valeur).toBe(24010);
    // The 2022 dictionary does not define the 2025 variables: said, not hidden.
    expect(String(run.notes.get('variablesSansDefinition'))).toContain('P22_POP');
    expect(run.notes.get('indicateursAbsentsDeCetteEdition')).toBe('etablissementsCommerceReparationAuto');
  });
});

describe('insee-comparateur format checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'insee-bad-'));

  it('names file, line and column of a value that is not a number', async () => {
    const lines = readFileSync(DATA, 'utf8').split('\r\n');
    const header = lines[0].split(';');
    const row = lines[2].split(';');
    row[header.indexOf('MED19')] = '21 9OO';
    lines[2] = row.join(';');
    const bad = join(dir, 'base_cc_comparateur.CSV');
    writeFileSync(bad, lines.join('\r\n'));
    const error = await runPipeline(pipeline, { source, files: [bad, META] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ file: 'base_cc_comparateur.CSV', line: 3, column: 'MED19' });
  });

  it('stops on a header without population', async () => {
    const text = readFileSync(DATA, 'utf8').replace('P18_POP;P13_POP', 'P18_PUP;P13_PUP');
    const bad = join(dir, 'sans-population.CSV');
    writeFileSync(bad, text);
    const error = await runPipeline(pipeline, { source, files: [bad, META] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ line: 1 });
  });

  it('stops when the dictionary is missing', async () => {
    const error = await runPipeline(pipeline, { source, files: [DATA] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toContain('dictionnaire');
  });

  it('sets aside, with a reason, a code the COG does not know', async () => {
    const lines = readFileSync(DATA, 'utf8').split('\r\n');
    lines.splice(2, 0, lines[1].replace(/^13055/, '97599'));
    const file = join(dir, 'inconnu.CSV');
    writeFileSync(file, lines.join('\r\n'));
    const run = await runPipeline(pipeline, { source, files: [file, META] });
    expect(run.read).toBe(25);
    expect(run.rejected.get(REJECT.unknown)).toBe(1);
    expect(run.projected + 1).toBe(run.read);
  });
});

describe('insee-comparateur registry entry and sample', () => {
  it('parses, with the Consultation finalité and an existing sample', () => {
    expect(source).toMatchObject({ id: 'statistiques-insee', pipeline: 'insee-comparateur', format: 'zip', finalite: 'Consultation', cleCommune: 'CODGEO' });
    for (const p of source.echantillon) expect(existsSync(join(import.meta.dirname, '../..', p))).toBe(true);
  });

  it('runs on the bundled sample within its declared row count', async () => {
    const files = source.echantillon.map((p) => join(import.meta.dirname, '../..', p));
    const run = await runPipeline(pipeline, { source, files });
    expect(run.read).toBeGreaterThanOrEqual(source.lignesEchantillon.min);
    expect(run.read).toBeLessThanOrEqual(source.lignesEchantillon.max);
    expect(run.projected + [...run.rejected.values()].reduce((a, b) => a + b, 0)).toBe(run.read);
  });
});

const HEADER_2022 = 'CODGEO;P18_POP;P13_POP;SUPERF;NAIS1318;DECE1318;P18_MEN;NAISD20;DECESD20;P18_LOG;P18_RP;P18_RSECOCC;P18_LOGVAC;P18_RP_PROP;NBMENFISC19;PIMP19;MED19;TP6019;P18_EMPLT;P18_EMPLT_SAL;P13_EMPLT;P18_POP1564;P18_CHOM1564;P18_ACT1564;ETTOT18;ETAZ18;ETBE18;ETFZ18;ETGU18;ETGZ18;ETOQ18;ETTEF118;ETTEFP1018'.split(';');
const HEADER_2025 = 'CODGEO;P22_POP;P16_POP;SUPERF;NAIS1621;DECE1621;P22_MEN;NAISD24;DECESD24;P22_LOG;P22_RP;P22_RSECOCC;P22_LOGVAC;P22_RP_PROP;NBMENFISC21;PIMP21;MED21;TP6021;P22_EMPLT;P22_EMPLT_SAL;P16_EMPLT;P22_POP1564;P22_CHOM1564;P22_ACT1564;ETTOT24;ETAZ24;ETBE24;ETFZ24;ETGU24;ETOQ24;ETTEF124;ETTEFP1024'.split(';');

const byId = (header: string[]) => new Map(bindHeader(header).indicators.map((i) => [i.id, i]));

describe('bindHeader', () => {
  it('binds the 2022 edition by name and reads millésimes from suffixes', () => {
    const b = bindHeader(HEADER_2022);
    const ids = byId(HEADER_2022);
    expect(b.millesimeRP).toBe('2018');
    expect(ids.get('population')).toMatchObject({ variable: 'P18_POP', column: 1, millesime: '2018' });
    expect(ids.get('populationAnterieure')).toMatchObject({ variable: 'P13_POP', millesime: '2013' });
    expect(ids.get('naissancesPeriode')).toMatchObject({ variable: 'NAIS1318', millesime: '2013-2018' });
    expect(ids.get('deces')).toMatchObject({ variable: 'DECESD20', millesime: '2020' });
    expect(ids.get('medianeNiveauVie')).toMatchObject({ variable: 'MED19', millesime: '2019', additif: false });
    expect(ids.get('etablissements10SalariesOuPlus')).toMatchObject({ variable: 'ETTEFP1018', millesime: '2018' });
    expect(ids.get('superficie')?.millesime).toBeNull();
    expect(b.uncatalogued).toEqual([]);
    expect(b.missing).toEqual([]);
  });

  it('binds the 2025 edition, whose columns moved and lost ETGZ', () => {
    const b = bindHeader(HEADER_2025);
    const ids = byId(HEADER_2025);
    expect(b.millesimeRP).toBe('2022');
    expect(ids.get('population')?.variable).toBe('P22_POP');
    expect(ids.get('emploisAnterieurs')?.variable).toBe('P16_EMPLT');
    expect(ids.get('etablissements')?.millesime).toBe('2024');
    expect(b.missing).toEqual(['etablissementsCommerceReparationAuto']);
  });

  it('never relies on position: a shuffled header binds the same variables', () => {
    const shuffled = [...HEADER_2025].reverse();
    const ids = byId(shuffled);
    expect(ids.get('population')).toMatchObject({ variable: 'P22_POP', column: shuffled.indexOf('P22_POP') });
    expect(ids.get('tauxPauvrete')?.variable).toBe('TP6021');
  });

  it('reads the later Filosofi naming MED_SL23 as the median, and keeps unknown columns under their code', () => {
    const header = HEADER_2025.map((h) => (h === 'MED21' ? 'MED_SL23' : h)).concat('P22_POP0014');
    const b = bindHeader(header);
    expect(byId(header).get('medianeNiveauVie')).toMatchObject({ variable: 'MED_SL23', millesime: '2023' });
    expect(b.uncatalogued.map((u) => [u.variable, u.millesime])).toEqual([['P22_POP0014', '2022']]);
  });

  it('rejects a header without CODGEO or without population', () => {
    expect(() => bindHeader(HEADER_2022.slice(1))).toThrow(HeaderProblem);
    expect(() => bindHeader(HEADER_2022.filter((h) => !/_POP$/.test(h)))).toThrow(/population/);
    expect(() => bindHeader([...HEADER_2022, 'P18_POP'])).toThrow(/double/);
  });
});
