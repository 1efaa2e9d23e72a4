import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import pipeline from './source.js';

const FILE = join(import.meta.dirname, '../../samples/professionnels-sante/PS_LibreAcces_Personne_activite_extrait-illustratif.txt');
/** The three real rows at the end of the sample (samples/professionnels-sante/README.md), by national identifier. */
const REAL = ['0012600631', '0759124159', '810001045367'];
const source = registryEntry('professionnels-sante');

/** The file read independently: `|` split, the trailing `|` giving a last empty column, columns by header name. */
const [headerLine, ...lines] = readFileSync(FILE, 'utf8').trim().split('\n');
const header = headerLine.split('|');
const plain = lines.map((l) => Object.fromEntries(l.split('|').map((v, i) => [header[i], v])));
const col = { id: 'Identification nationale PP', profession: 'Code profession', sf: 'Code savoir-faire', cp: 'Code postal (coord. structure)', commune: 'Code commune (coord. structure)' };

/**
 * Where each row goes, from what the COG says (written here, not taken from the pipeline): 35112 merged into
 * 35062, 35999 unknown; without a commune code, postal 75015 is only Paris 15e, 01400 and 25300 are shared
 * by several communes, a site abroad has none.
 */
function target(r: Record<string, string>): string | null {
  const code = r[col.commune];
  const moved: Record<string, string | null> = { '35112': '35062', '35999': null };
  if (code) return code in moved ? moved[code] : code;
  return r[col.cp] === '75015' ? '75115' : null;
}
const PARIS = (code: string | null) => (code?.startsWith('751') ? '75056' : undefined);
const distinct = (commune: string, keep: (r: Record<string, string>) => boolean) =>
  new Set(plain.filter((r) => (target(r) === commune || PARIS(target(r)) === commune) && keep(r)).map((r) => r[col.id])).size;

describe('professionnels-sante on the illustrative extraction', async () => {
  const run = await runPipeline(pipeline, { source, files: [FILE] });
  const row = (code: string, profession: string, savoirFaire = 'ensemble') =>
    run.records.find((r) => r.code === code)?.rows?.find((x) => x.profession === profession && x.savoirFaire === savoirFaire)?.professionnels;

  it('counts distinct professionals per commune and profession (one person on two sites counts once)', () => {
    for (const code of ['35238', '35051', '35062', '2A004', '75115', '75120', '75056']) {
      for (const profession of new Set(plain.map((r) => r[col.profession]))) {
        const n = distinct(code, (r) => r[col.profession] === profession);
        expect(row(code, profession) ?? 0, `${code} ${profession}`).toBe(n);
      }
    }
    expect(plain.filter((r) => r[col.id] === '810000000001' && r[col.commune] === '35238')).toHaveLength(2);
    expect(row('35238', '10')).toBe(distinct('35238', (r) => r[col.profession] === '10'));
  });

  it('splits physicians into généralistes (SM54, SM53), spécialistes and not stated', () => {
    const medecin = (code: string, sf: (v: string) => boolean) => distinct(code, (r) => r[col.profession] === '10' && sf(r[col.sf]));
    expect(row('35238', '10', 'generalistes')).toBe(medecin('35238', (v) => v === 'SM54' || v === 'SM53'));
    expect(row('35238', '10', 'specialistes')).toBe(medecin('35238', (v) => v !== '' && v !== 'SM54' && v !== 'SM53'));
    expect(row('2A004', '10', 'non-renseigne')).toBe(medecin('2A004', (v) => v === ''));
    expect(row('35238', '10', 'generalistes')).toBe(3);
  });

  it('places a row without commune code by a postal code of one commune, and sets the others aside with their reason', () => {
    // The real Paris orthophoniste (no commune code, postal code 75015) next to the illustrative one.
    expect(row('75115', '91')).toBe(distinct('75115', (r) => r[col.profession] === '91'));
    expect(row('75115', '91')).toBe(2);
    expect(run.notes.get('attribuéesParCodePostal')).toBe(plain.filter((r) => !r[col.commune] && target(r)).length);
    expect(Object.fromEntries(run.rejected)).toEqual({
      // The real audioprothésiste of 25300 (13 communes) and the real physician at Cheltenham (99132) among them.
      'code commune inconnu du COG': 1, 'code postal commun à plusieurs communes': 2, 'code postal inconnu du COG': 1,
      'ni code commune ni code postal': 1, 'site hors de France': 2,
    });
    expect(run.read).toBe(plain.length);
    expect(run.projected).toBe(plain.filter((r) => target(r) !== null).length);
  });

  it('counts a professional of two arrondissements once in Paris', () => {
    expect(row('75115', '10')).toBe(1);
    expect(row('75120', '10')).toBe(1);
    expect(row('75056', '10')).toBe(1);
  });

  it('publishes counts only: no name, phone or e-mail of the file reaches a record', () => {
    const text = JSON.stringify(run.records) + JSON.stringify(run.output.metadata);
    expect(text).not.toContain('EXEMPLE');
    expect(text).not.toContain('ILLUSTRATIF');
    for (const r of plain.filter((x) => REAL.includes(x[col.id]))) {
      for (const c of ["Nom d'exercice", 'Téléphone (coord. structure)']) if (r[c]) expect(text).not.toContain(r[c]);
    }
    expect(plain.filter((x) => REAL.includes(x[col.id]))).toHaveLength(3);
  });
});

describe('professionnels-sante refuses a drifted file, naming file, line and column', () => {
  const broken = (edit: (text: string) => string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'ps-')), 'PS_LibreAcces_Personne_activite_202611270000.txt');
    copyFileSync(FILE, file);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return file;
  };

  it('a généraliste code whose label says something else', async () => {
    const file = broken((t) => t.replace('SM53|Spécialiste en Médecine Générale', 'SM53|Pédiatrie'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('SM53')) + 1;
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, line, column: 'Libellé savoir-faire' });
  });

  it('a malformed postal code of a French site (a site abroad keeps its own: the real Cheltenham row)', async () => {
    const file = broken((t) => t.replace('|25300 DOUBS|25300|', '|25300 DOUBS|2530|'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('|2530|')) + 1;
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects
      .toMatchObject({ line, column: 'Code postal (coord. structure)', problem: 'code postal mal formé « 2530 »' });
  });

  it('a row with a field too many', async () => {
    const file = broken((t) => t.replace('|Orthophoniste|', '|Ortho|phoniste|'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('Ortho|phoniste')) + 1;
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line });
  });

  it('a missing column', async () => {
    const file = broken((t) => t.replace('|Code commune (coord. structure)|', '|Commune|'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 1, problem: expect.stringContaining('Code commune (coord. structure)') });
  });

  it('an empty national identifier', async () => {
    const file = broken((t) => t.replace('|810000000005|', '||'));
    const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('|Pharmacien|')) + 1;
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line, column: 'Identification nationale PP' });
  });

  it('counts a professional of an arrondissement once in Paris when another of their sites is written 75056', async () => {
    const [site] = lines.filter((l) => l.split('|')[header.indexOf(col.commune)] === '75115');
    const file = broken((t) => `${t.trimEnd()}\n${site.split('|').map((v, i) => (i === header.indexOf(col.commune) ? '75056' : v)).join('|')}\n`);
    const run = await runPipeline(pipeline, { source, files: [file] });
    const profession = site.split('|')[header.indexOf(col.profession)];
    const paris = run.records.find((r) => r.code === '75056')!.rows!.filter((x) => x.profession === profession && x.savoirFaire === 'ensemble');
    // The added site is a person already counted through 75115: Paris keeps the count of the plain parse, in one row.
    expect(paris.map((x) => x.professionnels)).toEqual([distinct('75056', (r) => r[col.profession] === profession)]);
  });

  it('reads the date of the extraction from the file name', async () => {
    const run = await runPipeline(pipeline, { source, files: [broken((t) => t)] });
    expect(run.output.millesime).toBe('20261127');
  });
});
