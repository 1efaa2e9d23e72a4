import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DuckDBInstance } from '@duckdb/node-api';
import proj4 from 'proj4';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import pipeline from './source.js';

const samples = join(import.meta.dirname, '../../samples/equipements-bpe');
const DATA = join(samples, 'BPE24-extrait-illustratif.csv');
const VARMOD = join(samples, 'BPE24_varmod-extrait.csv');
const source = registryEntry('equipements-bpe');

/** The sample read independently of the pipeline: `;` split, columns by the header's names. */
function plainRows(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split('\n');
  const names = header.split(';');
  return lines.map((l) => Object.fromEntries(l.split(';').map((v, i) => [names[i], v])));
}
const plain = plainRows(DATA);
const labels = new Map(plainRows(VARMOD).map((r) => [`${r.COD_VAR}:${r.COD_MOD}`, r.LIB_MOD]));
/** Where the COG of the release puts each code of the sample: 35112 merged into 35062, 35999 unknown. */
const TARGET: Record<string, string | null> = { '35112': '35062', '35999': null };
const target = (code: string) => (code in TARGET ? TARGET[code] : code);
const countOf = (codes: string[], typequ?: string) => plain.filter((r) => codes.includes(target(r.DEPCOM)!) && (!typequ || r.TYPEQU === typequ)).length;

describe('equipements-bpe on the illustrative excerpt', async () => {
  const run = await runPipeline(pipeline, { source, files: [DATA, VARMOD] });
  const record = (code: string) => run.records.find((r) => r.code === code)!;

  it('counts equipments per commune and type as the plain parse does; the labels once, from the nomenclature', () => {
    for (const code of ['35238', '35062', '75115', '75120', '2A004', '97411']) {
      const types = [...new Set(plain.filter((r) => target(r.DEPCOM) === code).map((r) => r.TYPEQU))].sort();
      expect(record(code).rows).toEqual(types.map((t) => ({ domaine: t[0], typequ: t, nombre: countOf([code], t), geolocalises: plain.filter((r) => target(r.DEPCOM) === code && r.TYPEQU === t && r.LONGITUDE !== '').length })));
    }
    expect(record('35238').data.total).toBe(countOf(['35238']));
    // Every label of the varmod, in the Table Schema of the table (categories) and in the load's metadata.
    const categories = (name: string) => run.output.fields!.find((f) => f.name === name)!.categories!.map((c) => [c.value, c.label]);
    const varmod = (variable: string) => [...labels].filter(([k]) => k.startsWith(`${variable}:`)).map(([k, v]) => [k.slice(variable.length + 1), v]);
    expect(categories('typequ')).toEqual(varmod('TYPEQU'));
    expect(categories('domaine')).toEqual(varmod('DOM'));
    expect((run.output.metadata!.types as { code: string; libelle: string }[]).map((t) => [t.code, t.libelle])).toEqual(varmod('TYPEQU'));
    expect(JSON.stringify(record('35238'))).not.toContain(labels.get('TYPEQU:D265'));
  });

  it('rolls Paris arrondissements up to 75056 and re-keys a merged commune', () => {
    expect(record('75056').data.total).toBe(countOf(['75115', '75120']));
    expect(record('75056').features).toHaveLength(countOf(['75115', '75120']));
    expect(record('35062').data.total).toBe(plain.filter((r) => r.DEPCOM === '35062' || r.DEPCOM === '35112').length);
    expect(run.records.some((r) => r.code === '35112')).toBe(false);
  });

  it('names the santé items, their codes and the nomenclature\'s labels once in the metadata', () => {
    const sante = record('35238').data.sante as Record<string, number>;
    const expected = { medecinsGeneralistes: 'D265', dentistes: 'D277', infirmiers: 'D281', pharmacies: 'D307', urgences: 'D106', maternites: 'D107' };
    const items = run.output.metadata!.sante as { cle: string; codes: string[]; libelles: string[] }[];
    for (const [key, code] of Object.entries(expected)) {
      expect(sante[key]).toBe(countOf(['35238'], code));
      expect(items.find((i) => i.cle === key)).toEqual({ cle: key, codes: [code], libelles: [labels.get(`TYPEQU:${code}`)] });
    }
  });

  it('groups types by domain', () => {
    const domaines = record('35238').data.domaines as { code: string; nombre: number; equipements: { typequ: string; nombre: number }[] }[];
    expect(domaines.map((d) => d.code)).toEqual([...new Set(plain.filter((r) => r.DEPCOM === '35238').map((r) => r.TYPEQU[0]))].sort());
    for (const d of domaines) {
      expect(d.nombre).toBe(plain.filter((r) => r.DEPCOM === '35238' && r.TYPEQU[0] === d.code).length);
      expect(d.equipements.map((e) => [e.typequ, e.nombre])).toEqual([...new Set(plain.filter((r) => r.DEPCOM === '35238' && r.TYPEQU[0] === d.code).map((r) => r.TYPEQU))].sort().map((t) => [t, countOf(['35238'], t)]));
    }
  });

  it('publishes a point per geolocated equipment with its quality flag, none for the others', () => {
    const rennes = plain.filter((r) => r.DEPCOM === '35238');
    const located = rennes.filter((r) => r.LONGITUDE !== '');
    expect(record('35238').features).toHaveLength(located.length);
    expect(located.length).toBeLessThan(rennes.length);
    // Each point is the file's: its type and quality flag (nothing else: labels are the nomenclature's), its coordinates as written.
    const points = record('35238').features!.map((f) => [f.properties!.typequ, f.properties!.qualiteXY, ...(f.geometry as GeoJSON.Point).coordinates]);
    expect(points.sort()).toEqual(located.map((r) => [r.TYPEQU, r.QUALITE_XY, Number(r.LONGITUDE), Number(r.LATITUDE)]).sort());
    expect(Object.keys(record('35238').features![0].properties!)).toEqual(['typequ', 'qualiteXY']);
    const reunion = record('97411').features!.map((f) => f.properties!.qualiteXY).sort();
    expect(reunion).toEqual(plain.filter((r) => r.DEPCOM === '97411').map((r) => r.QUALITE_XY).sort());
  });

  it('accounts for every row: attributed, or set aside with its reason', () => {
    expect(run.read).toBe(plain.length);
    expect(run.projected).toBe(plain.length - 1);
    expect(run.rejected.get('code commune inconnu du COG')).toBe(1);
    expect(run.output.millesime).toBe('2024');
  });

  it('keeps one département with --departement', async () => {
    const partial = await runPipeline(pipeline, { source, files: [DATA, VARMOD], departements: ['2A'] });
    expect(partial.records.map((r) => r.code)).toEqual(['2A004']);
    expect(partial.read).toBe(plain.filter((r) => r.DEP === '2A').length);
    // The rows of other départements are not read into the run, but counted aside.
    expect(partial.notes.get('hors des départements demandés')).toBe(plain.filter((r) => r.DEP !== '2A').length);
    expect(run.notes.has('hors des départements demandés')).toBe(false);
  });
});

describe('equipements-bpe refuses a drifted file, naming file, line and column', () => {
  const broken = (from: string, name: string, edit: (text: string) => string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'bpe-')), name);
    copyFileSync(from, file);
    writeFileSync(file, edit(readFileSync(file, 'utf8')));
    return file;
  };
  const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

  it('a type missing from the nomenclature', async () => {
    const file = broken(DATA, 'BPE24.csv', (t) => t.replace(';D;D2;D277;', ';D;D2;D999;'));
    await expect(runPipeline(pipeline, { source, files: [file, VARMOD] })).rejects
      .toMatchObject({ line: lineOf(readFileSync(file, 'utf8'), 'D999'), column: 'TYPEQU', file });
  });

  it('a coordinate that is not a number', async () => {
    const file = broken(DATA, 'BPE24.csv', (t) => t.replace(';55.4481;', ';55,44,81;'));
    await expect(runPipeline(pipeline, { source, files: [file, VARMOD] })).rejects
      .toMatchObject({ line: lineOf(readFileSync(file, 'utf8'), '55,44,81'), column: 'LONGITUDE' });
  });

  it('a renamed commune column', async () => {
    const file = broken(DATA, 'BPE24.csv', (t) => t.replace(';DEPCOM;', ';CODGEO;'));
    await expect(runPipeline(pipeline, { source, files: [file, VARMOD] })).rejects.toMatchObject({ line: 1, problem: expect.stringContaining('DEPCOM') });
  });

  it('a nomenclature where the généraliste code means something else', async () => {
    const varmod = broken(VARMOD, 'varmod.csv', (t) => t.replace('D265;Médecin généraliste', 'D265;Psychologue'));
    await expect(runPipeline(pipeline, { source, files: [DATA, varmod] })).rejects
      .toMatchObject({ file: varmod, line: lineOf(readFileSync(varmod, 'utf8'), 'D265'), column: 'LIB_MOD' });
  });

  it('an older nomenclature (D201) is read with its own code', async () => {
    const varmod = broken(VARMOD, 'varmod.csv', (t) => t.replace('D265;Médecin généraliste', 'D201;Médecin généraliste'));
    const data = broken(DATA, 'bpe.csv', (t) => t.replaceAll(';D265;', ';D201;'));
    const run = await runPipeline(pipeline, { source, files: [data, varmod] });
    expect(run.records.find((r) => r.code === '35238')!.data.sante).toMatchObject({ medecinsGeneralistes: countOf(['35238'], 'D265') });
    expect((run.output.metadata!.sante as { cle: string; codes: string[] }[])[0]).toMatchObject({ cle: 'medecinsGeneralistes', codes: ['D201'] });
  });

  it('a row with projected coordinates only (RGR92 / UTM 40S at La Réunion) is placed by reprojection', async () => {
    const [x, y] = proj4('+proj=utm +zone=40 +south +ellps=GRS80 +units=m +no_defs', 'WGS84').inverse([55.4481, -20.8823]);
    const data = broken(DATA, 'bpe.csv', (t) => t.replace(';;;55.4481;-20.8823;Bonne;2975;', `;${x.toFixed(2)};${y.toFixed(2)};;;Bonne;2975;`));
    const run = await runPipeline(pipeline, { source, files: [data, VARMOD] });
    const points = run.records.find((r) => r.code === '97411')!.features!.map((f) => (f.geometry as GeoJSON.Point).coordinates);
    expect(points).toHaveLength(plain.filter((r) => r.DEPCOM === '97411').length);
    expect(points.some(([lon, lat]) => Math.abs(lon - 55.4481) < 1e-5 && Math.abs(lat + 20.8823) < 1e-5)).toBe(true);
    expect(readFileSync(data, 'utf8')).not.toContain('55.4481');
  });

  it('no nomenclature', async () => {
    await expect(runPipeline(pipeline, { source, files: [DATA] })).rejects.toMatchObject({ problem: expect.stringContaining('nomenclature') });
  });
});

/**
 * The parquet edition (BPE25.parquet) carries the same columns: produced here by DuckDB from the committed
 * CSV sample, coordinates as numbers as a typed parquet would hold them; `drop` leaves a column out.
 */
async function parquetOf(csv: string, drop?: string): Promise<string> {
  const file = join(mkdtempSync(join(tmpdir(), 'bpe-parquet-')), 'BPE25.parquet');
  const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
  await duckdb.run(`COPY (SELECT * EXCLUDE (LONGITUDE, LATITUDE${drop ? `, ${drop}` : ''}), TRY_CAST(LONGITUDE AS DOUBLE) AS LONGITUDE, TRY_CAST(LATITUDE AS DOUBLE) AS LATITUDE
    FROM read_csv($csv, delim=';', header=true, all_varchar=true)) TO '${file}' (FORMAT parquet)`, { csv });
  duckdb.closeSync();
  return file;
}

describe('equipements-bpe reads the parquet edition', () => {
  it('gives the same records as the CSV with the same columns', async () => {
    const csv = await runPipeline(pipeline, { source, files: [DATA, VARMOD] });
    const parquet = await runPipeline(pipeline, { source, files: [await parquetOf(DATA), VARMOD] });
    expect(parquet.records).toEqual(csv.records);
    expect(parquet.read).toBe(plain.length);
  });

  it('a parquet file without TYPEQU stops the run naming file and column', async () => {
    const file = await parquetOf(DATA, 'TYPEQU');
    await expect(runPipeline(pipeline, { source, files: [file, VARMOD] })).rejects.toMatchObject({ file, column: 'TYPEQU', problem: expect.stringContaining('TYPEQU') });
  });
});
