import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline, testReferential } from '../../tests/helpers/run-pipeline.js';
import { credentialFor } from '../framework/credentials.js';
import pipeline from './source.js';
import { lastCompleteYear } from './project.js';

const FILE = join(import.meta.dirname, '../../samples/qualite-air-atmo/indice-atmo-extrait-illustratif.csv');
const source = registryEntry('qualite-air-atmo');

/** The file read independently: `,` split (no quoted commas in it), columns by header name, M/D/YYYY dates. */
const [headerLine, ...lines] = readFileSync(FILE, 'utf8').trim().split('\n');
const header = headerLine.split(',');
const plain = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i], v])) as Record<string, string>)
  .map((r) => { const [m, d, y] = r.date_ech.split(' ')[0].split('/').map(Number); return Object.assign(r, { year: y, day: `${y}-${m}-${d}` }); });
const POLLUTANTS = ['no2', 'so2', 'o3', 'pm10', 'pm25'];

/** Days of 2025 of one zone, by class and by dominant pollutant, computed from the plain rows. */
function expected(rows: typeof plain) {
  const classes: Record<string, number> = {};
  const dominant: Record<string, number> = {};
  for (const r of rows) {
    classes[r.code_qual] = (classes[r.code_qual] ?? 0) + 1;
    for (const p of POLLUTANTS) if (r[`code_${p}`] === r.code_qual) dominant[p] = (dominant[p] ?? 0) + 1;
  }
  return { classes, dominant };
}

describe('qualite-air-atmo on the illustrative excerpt (producer layout, two real Atmo Occitanie rows)', async () => {
  const run = await runPipeline(pipeline, { source, files: [FILE] });
  const record = (code: string) => run.records.find((r) => r.code === code)!;
  const daysOf = (data: Record<string, unknown>) => ({
    classes: Object.fromEntries(Object.entries(data.classes as Record<string, { jours: number }>).map(([k, v]) => [k, v.jours])),
    dominant: data.polluantsDominants,
  });

  it('summarises the last complete year: 2025 when the file ends in January 2026', () => {
    expect(plain.at(-2)!.day.startsWith('2026')).toBe(true);
    expect(run.output.millesime).toBe('2025');
    expect(lastCompleteYear('2025-12-31')).toBe(2025);
  });

  it('counts days per class and dominant pollutants of a commune as the plain parse does', () => {
    const rennes = plain.filter((r) => r.code_zone === '35238' && r.year === 2025);
    expect(rennes).toHaveLength(365);
    expect(daysOf(record('35238').data)).toEqual(expected(rennes));
    expect(record('35238').data.zone).toEqual({ type: 'commune' });
  });

  it('projects an EPCI index onto each member commune and says so', () => {
    const epci = plain.filter((r) => r.code_zone === '200066223' && r.year === 2025);
    const members = testReferential().epci.get('200066223')!.membres;
    for (const code of members.filter((c) => c !== '09167')) {
      expect(daysOf(record(code).data)).toEqual(expected(epci));
      expect(record(code).data.zone).toMatchObject({ type: 'EPCI', siren: '200066223', nom: 'CC Arize Lèze', jours: 365 });
    }
  });

  it('prefers a commune\'s own index on the day both exist', () => {
    const own = plain.filter((r) => r.code_zone === '09167');
    const days = plain.filter((r) => r.code_zone === '200066223' && r.year === 2025 && r.day !== own[0].day).concat(own);
    expect(daysOf(record('09167').data)).toEqual(expected(days));
    expect(record('09167').data.zone).toMatchObject({ type: 'EPCI', jours: 364 });
  });

  it('accounts for every row', () => {
    expect(run.read).toBe(plain.length);
    expect(run.projected).toBe(plain.length);
    expect(run.notes.get('lignesParEpci')).toBe(plain.filter((r) => r.type_zone === 'EPCI').length);
  });
});

describe('qualite-air-atmo refuses a drifted file, naming file, line and column', () => {
  const broken = (edit: (text: string) => string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'atmo-')), 'indice.csv');
    copyFileSync(FILE, file);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return file;
  };
  const lineOf = (file: string, needle: string) => readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('an index outside 0–7', async () => {
    const file = broken((t) => t.replace('3/1/2025 12:00:00 AM,5,', '3/1/2025 12:00:00 AM,9,'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, line: lineOf(file, '3/1/2025 12:00:00 AM,9,'), column: 'code_qual' });
  });

  it('an unreadable date', async () => {
    const file = broken((t) => t.replace('3/1/2025 12:00:00 AM,5,', '2025-13-45,5,'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: lineOf(file, '2025-13-45'), column: 'date_ech' });
  });

  it('a missing column', async () => {
    const file = broken((t) => t.replace(',code_pm25,', ',pm25,'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 1, problem: expect.stringContaining('code_pm25') });
  });
});

describe('the token of qualite-air-atmo', () => {
  it('is read from the variable the registry names, only when downloading', () => {
    expect(source.jetonEnv).toBe('ATMO_DATA_JETON');
    expect(credentialFor(source, true, { ATMO_DATA_JETON: 'abc' })).toEqual({ headers: { authorization: 'Bearer abc' } });
    expect(credentialFor(source, false, {})).toEqual({});
    expect(credentialFor(source, true, {})).toMatchObject({ skip: expect.stringContaining('ATMO_DATA_JETON') });
  });
});
