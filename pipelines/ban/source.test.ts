import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import pipeline from './source.js';
import { checkBanHeader } from '../framework/ban-csv.js';
import { BAN_COLUMNS, BAN_HEADER } from '../../src/contract/ban.js';
import { REJECT_MALFORMED, REJECT_UNKNOWN } from '../framework/rekey.js';
import { projectGroups, sumStats, NON_RENSEIGNE, REJECT_SPLIT, type BanCommuneData, type GroupRow } from './project.js';
import { codeMappings } from '../framework/rekey.js';
import { SourceError } from '../framework/errors.js';
import { Referential } from '../../src/domain/referential.js';
import { registryEntry, runPipeline, testReferential, type PipelineRun } from '../../tests/helpers/run-pipeline.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';

// Test excerpts (samples/ban/README.md).
const fixtures = join(import.meta.dirname, '../../samples/ban');
const NATIONAL = join(fixtures, 'ban-france-extrait.csv.gz');
const DEP05 = join(fixtures, 'adresses-05-extrait.csv.gz');
const TWO_LINES = join(fixtures, 'adresses-01-deux-lignes-reelles.csv');
const source = registryEntry('ban');

let tmp: string;
let national: PipelineRun;
beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'ban-test-'));
  national = await runPipeline(pipeline, { source, files: [NATIONAL] });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const data = (records: CommuneRecord[], code: string) => records.find((r) => r.code === code)?.data as unknown as BanCommuneData;

/** The real lines of the 05 excerpt (header first). */
const lines05 = () => gunzipSync(readFileSync(DEP05)).toString('utf8').split('\n').filter(Boolean);

function variant(name: string, lines: string[], gzip = false): string {
  const path = join(tmp, name);
  const text = lines.join('\n') + '\n';
  writeFileSync(path, gzip ? gzipSync(text) : text);
  return path;
}

function withField(line: string, column: string, value: string): string {
  const fields = line.split(';');
  fields[BAN_COLUMNS.indexOf(column as (typeof BAN_COLUMNS)[number])] = value;
  return fields.join(';');
}

async function plainCounts(file: string): Promise<Map<string, number>> {
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  // Independent reading: DuckDB's own sniffing, every column as text.
  const reader = await c.runAndReadAll(`SELECT code_insee, count(*) AS n FROM read_csv('${file}', delim = ';', header = true, all_varchar = true) GROUP BY code_insee`);
  const out = new Map(reader.getRowObjectsJS().map((r) => [String(r.code_insee), Number(r.n)]));
  c.closeSync();
  return out;
}

describe('ban registry entry', () => {
  it('parses, points at the national file and ships its sample', () => {
    expect(source.format).toBe('csv.gz');
    expect(source.urls[0]).toMatch(/adresses-france\.csv\.gz$/);
    expect(source.cleCommune).toBe('code_insee');
    for (const p of source.echantillon) expect(existsSync(join(import.meta.dirname, '../..', p))).toBe(true);
  });

  it('the sample reads as many rows as the entry declares', async () => {
    const run = await runPipeline(pipeline, { source, files: source.echantillon.map((p) => join(import.meta.dirname, '../..', p)) });
    expect(run.read).toBeGreaterThanOrEqual(source.lignesEchantillon.min);
    expect(run.read).toBeLessThanOrEqual(source.lignesEchantillon.max);
  });
});

describe('ban header', () => {
  it('accepts the real header, read from the first gzip member only', async () => {
    await expect(checkBanHeader('ban', NATIONAL)).resolves.toBeUndefined();
    await expect(checkBanHeader('ban', TWO_LINES)).resolves.toBeUndefined();
  });

  it('names line 1 and the drifting column', async () => {
    const [header, ...rows] = lines05();
    const file = variant('drift.csv.gz', [header.replace('type_position', 'position'), ...rows.slice(0, 3)], true);
    const error = await checkBanHeader('ban', file).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.line).toBe(1);
    expect(error.column).toBe(15);
    expect(error.message).toContain('type_position');
    const missing = variant('missing.csv', [header.replace(';cad_parcelles', ''), ...rows.slice(0, 3)]);
    await expect(checkBanHeader('ban', missing)).rejects.toThrow(/cad_parcelles/);
  });
});

describe('ban national file (multi-member gzip)', () => {
  it('reads every member and accounts for every row', () => {
    const lines = gunzipSync(readFileSync(NATIONAL)).toString('utf8').split('\n').filter(Boolean);
    expect(lines[0]).toBe(BAN_HEADER);
    expect(national.read).toBe(lines.length - 1);
    expect(national.read).toBe(7241);
    expect(national.projected).toBe(national.read);
    expect(national.rejected.size).toBe(0);
    // The last member holds Paris: read only if every member was.
    expect(data(national.records, '75107').adresses).toBe(1);
  });

  it('counts per commune equal a plain count(*) group by code_insee', async () => {
    const plain = await plainCounts(NATIONAL);
    expect(plain.size).toBe(19);
    for (const [code, n] of plain) expect(data(national.records, code)?.adresses, code).toBe(n);
  });

  it('Paris gets the sum of its arrondissements, each keeping its own record', () => {
    const paris = data(national.records, '75056');
    expect(paris.adresses).toBe(3);
    expect(paris.arrondissements?.map((a) => [a.code, a.adresses])).toEqual([['75106', 2], ['75107', 1]]);
    expect(paris.codesPostaux).toEqual(['75006', '75007']);
    expect(paris.adressesCertifiees).toBe(2);
    expect(paris.parTypePosition).toEqual({ 'entrée': 2, 'bâtiment': 1 });
    expect(data(national.records, '75106')).toMatchObject({ adresses: 2, voies: 2, adressesCertifiees: 1, codesPostaux: ['75006'] });
  });

  it('breaks a commune nouvelle down by commune déléguée', () => {
    const abries = data(national.records, '05001');
    expect(abries.adresses).toBe(524);
    expect(abries.communesDeleguees?.map((d) => [d.code, d.nom, d.adresses])).toEqual([['05001', 'Abriès', 411], ['05120', 'Ristolas', 113]]);
    expect(abries.adressesHorsCommuneDeleguee).toBe(0);
    const sum = abries.communesDeleguees!.reduce((s, d) => s + d.adresses, 0);
    expect(sum).toBe(abries.adresses);
    // A commune without déléguées has no breakdown.
    expect(data(national.records, '05006').communesDeleguees).toBeUndefined();
  });

  it('computes voies, lieux-dits, certification, postal codes and breakdowns', async () => {
    const db = await DuckDBInstance.create(':memory:');
    const c = await db.connect();
    const [expected] = (await c.runAndReadAll(`SELECT count(*) AS n, count(DISTINCT coalesce(id_fantoir, nom_voie)) AS voies, count(DISTINCT nom_ld) AS ld,
      count(*) FILTER (WHERE certification_commune = '1') AS cert, count(*) FILTER (WHERE type_position IS NULL) AS sans_type
      FROM read_csv('${DEP05}', delim = ';', header = true, all_varchar = true) WHERE code_insee = '05006'`)).getRowObjectsJS();
    c.closeSync();
    const argentiere = data(national.records, '05006');
    expect(argentiere.adresses).toBe(Number(expected.n));
    expect(argentiere.voies).toBe(Number(expected.voies));
    expect(argentiere.lieuxDits).toBe(Number(expected.ld));
    expect(argentiere.adressesCertifiees).toBe(Number(expected.cert));
    expect(argentiere.partCertifiee).toBeCloseTo(Number(expected.cert) / Number(expected.n), 3);
    expect(argentiere.codesPostaux).toEqual(['05120']);
    expect(argentiere.parTypePosition['non renseigné'] ?? 0).toBe(Number(expected.sans_type));
    expect(Object.values(argentiere.parTypePosition).reduce((a, b) => a + b, 0)).toBe(argentiere.adresses);
    expect(argentiere.parSourcePosition).toEqual({ commune: argentiere.adresses });
  });

  it('copies every address, as the 23 BAN columns, into the bulk table', () => {
    const bulk = national.bulk.get('ban_adresses')!;
    expect(bulk.columns).toEqual(['load_id', ...BAN_COLUMNS]);
    expect(bulk.rows.length).toBe(7241);
    expect(bulk.rows.every((r) => r[0] === '1' && r.length === 24)).toBe(true);
    // Written back with `;` the rows are the file's lines, byte for byte (empty fields kept as null).
    const original = gunzipSync(readFileSync(NATIONAL)).toString('utf8').split('\n').filter(Boolean).slice(1).sort();
    const rebuilt = bulk.rows.map((r) => r.slice(1).map((v) => v ?? '').join(';')).sort();
    expect(rebuilt).toEqual(original);
  });
});

describe('ban scope and files', () => {
  it('--departement keeps the rows of that département only', async () => {
    const run = await runPipeline(pipeline, { source, files: [NATIONAL], departements: ['05'] });
    expect(run.read).toBe(7236);
    expect(run.projected).toBe(7236);
    expect(run.records.every((r) => r.code.startsWith('05'))).toBe(true);
    expect(run.bulk.get('ban_adresses')!.rows.length).toBe(7236);
  });

  it('reads several per-département files (gzip or plain) together', async () => {
    const run = await runPipeline(pipeline, { source, files: [DEP05, TWO_LINES] });
    expect(run.read).toBe(7238);
    expect(data(run.records, '01002').adresses).toBe(2);
    expect(data(run.records, '01002').codesPostaux).toEqual(['01640']);
  });

  it('parses quoted fields holding the separator', async () => {
    const [header, first] = lines05();
    const quoted = first.replace(';Le Roux;', ';"Le Roux; haut";');
    expect(quoted).not.toBe(first);
    const run = await runPipeline(pipeline, { source, files: [variant('quoted.csv', [header, quoted])] });
    expect(run.read).toBe(1);
    expect(run.bulk.get('ban_adresses')!.rows[0][BAN_COLUMNS.indexOf('nom_ld') + 1]).toBe('Le Roux; haut');
  });
});

describe('ban rejected rows and format errors', () => {
  it('rejects unknown and malformed commune codes, re-keys former ones, and the summary adds up', async () => {
    const [header, ...rows] = lines05();
    const file = variant('codes.csv', [
      header,
      ...rows.slice(0, 10),
      withField(rows[10], 'code_insee', '05999'),
      withField(rows[11], 'code_insee', '0500'),
      withField(rows[12], 'code_insee', '35112'),
    ]);
    const run = await runPipeline(pipeline, { source, files: [file] });
    expect(run.read).toBe(13);
    expect(run.rejected.get(REJECT_UNKNOWN)).toBe(1);
    expect(run.rejected.get(REJECT_MALFORMED)).toBe(1);
    expect(run.projected).toBe(11);
    expect(run.projected + [...run.rejected.values()].reduce((a, b) => a + b, 0)).toBe(run.read);
    // Fleurigné (35112) merged into La Chapelle-Fleurigné (35062).
    expect(data(run.records, '35062')).toMatchObject({ adresses: 1, codesSource: ['35112'] });
    expect(run.bulk.get('ban_adresses')!.rows.length).toBe(11);
    expect(String(run.notes.get('codesRejetes'))).toContain('05999 (1)');
  });

  it('stops on a line with a missing column, naming file, line and column', async () => {
    const [header, ...rows] = lines05();
    const broken = rows[4].slice(0, rows[4].lastIndexOf(';'));
    const file = variant('short.csv.gz', [header, ...rows.slice(0, 4), broken, ...rows.slice(5, 20)], true);
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.file).toContain('short.csv.gz');
    expect(error.line).toBe(6);
    expect(error.column).toBe('cad_parcelles');
  });

  it('stops on a value that breaks its column type, naming line and column', async () => {
    const [header, ...rows] = lines05();
    const file = variant('lon.csv', [header, ...rows.slice(0, 7), withField(rows[7], 'lon', '6,94'), ...rows.slice(8, 12)]);
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.line).toBe(9);
    expect(error.column).toBe('lon');
    expect(error.message).toContain('6,94');
  });

  it('stops on an address without numero, naming line and column', async () => {
    const [header, ...rows] = lines05();
    const file = variant('numero.csv', [header, ...rows.slice(0, 5), withField(rows[5], 'numero', ''), ...rows.slice(6, 9)]);
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.line).toBe(7);
    expect(error.column).toBe('numero');
  });

  it('stops on a certification that is neither 0 nor 1', async () => {
    const [header, ...rows] = lines05();
    const file = variant('cert.csv', [header, ...rows.slice(0, 2), withField(rows[2], 'certification_commune', 'true')]);
    const error = await runPipeline(pipeline, { source, files: [file] }).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error.line).toBe(4);
    expect(error.column).toBe('certification_commune');
  });
});

describe('ban per-IRIS counts', () => {
  it('counts addresses per IRIS by point in polygon when the IRIS contours are in the release', async () => {
    const rows = lines05().slice(1).map((l) => l.split(';'));
    const of = (code: string) => rows.filter((r) => r[6] === code);
    const lats = of('05006').map((r) => Number(r[13])).sort((a, b) => a - b);
    const lons = of('05006').map((r) => Number(r[12]));
    const split = (lats[Math.floor(lats.length / 2)] + lats[Math.floor(lats.length / 2) + 1]) / 2;
    const [w, e] = [Math.min(...lons) - 0.01, Math.max(...lons) + 0.01];
    const [s, n] = [lats[0] - 0.01, lats[lats.length - 1] + 0.01];
    const box = (y0: number, y1: number): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: [[[w, y0], [e, y0], [e, y1], [w, y1], [w, y0]]] });
    const feature = (commune: string, code: string, nom: string, geometry: GeoJSON.Polygon): GeoJSON.Feature => ({
      type: 'Feature', properties: { code: commune, codeIris: code, nomIris: nom, typeIris: 'H' }, geometry,
    });
    const iris: CommuneRecord[] = [
      { code: '05006', data: {}, features: [feature('05006', '050060101', 'Sud', box(s, split)), feature('05006', '050060102', 'Nord', box(split, n))] },
      // A commune with one IRIS needs no geometry test.
      { code: '05004', data: {}, features: [feature('05004', '050040000', 'Ancelle', box(0, 1))] },
    ];
    const run = await runPipeline(pipeline, { source, files: [DEP05], datasets: { 'iris-contours': iris } });
    const south = lats.filter((l) => l < split).length;
    expect(data(run.records, '05006').iris).toEqual({
      zones: [{ code: '050060101', nom: 'Sud', adresses: south }, { code: '050060102', nom: 'Nord', adresses: lats.length - south }],
      adressesHorsIris: 0, adressesNonLocalisees: 0,
    });
    expect(data(run.records, '05004').iris?.zones).toEqual([{ code: '050040000', nom: 'Ancelle', adresses: of('05004').length }]);
    expect(data(run.records, '05001').iris).toBeUndefined();
    expect(run.notes.get('communesAvecIris')).toBe(2);
  });
});

function group(cle: string, niveau: 0 | 1, adresses: number, extra: Partial<GroupRow> = {}): GroupRow {
  return {
    cle, niveau, deleguee: null, codesSource: [cle], adresses, voies: 1, lieuxDits: 0,
    certifiees: adresses, sansPosition: 0, codesPostaux: [], parTypePosition: { '': adresses }, parSourcePosition: { commune: adresses },
    parSourceNomVoie: { commune: adresses }, ...extra,
  };
}

describe('ban projection', () => {
  it('rejects rows of a code split since, with the reason', () => {
    const { records, rejected, projected } = projectGroups([group('!S:99001', 1, 4), group('05001', 1, 2)], testReferential());
    expect(rejected.get(REJECT_SPLIT)).toBe(4);
    expect(projected).toBe(2);
    expect(records.map((r) => r.code)).toEqual(['05001']);
  });

  it('a split code is mapped to no commune', () => {
    const referential = new Referential({
      millesime: '2026', epci: [], departements: [], regions: [],
      communes: [
        { code: '99001', nom: 'A', type: 'commune-actuelle', departement: '99', region: '99', codesPostaux: [] },
        { code: '99002', nom: 'B', type: 'commune-actuelle', departement: '99', region: '99', codesPostaux: [] },
      ],
      history: [
        { ancienCode: '99000', ancienNom: 'AB', nouveauCode: '99001', nouveauNom: 'A' },
        { ancienCode: '99000', ancienNom: 'AB', nouveauCode: '99002', nouveauNom: 'B' },
      ],
    });
    expect(codeMappings(referential, REJECT_SPLIT).find((m) => m.source === '99000')).toEqual({ source: '99000', commune: null, motif: REJECT_SPLIT });
  });

  it('labels empty position types and sums PLM parts', () => {
    const sum = sumStats([
      { adresses: 2, voies: 1, lieuxDits: 0, adressesCertifiees: 1, partCertifiee: 0.5, codesPostaux: ['75006'], parTypePosition: { entrée: 2 }, parSourcePosition: {}, parSourceNomVoie: {}, adressesSansPosition: 0 },
      { adresses: 2, voies: 2, lieuxDits: 1, adressesCertifiees: 2, partCertifiee: 1, codesPostaux: ['75007', '75006'], parTypePosition: { entrée: 1, bâtiment: 1 }, parSourcePosition: {}, parSourceNomVoie: {}, adressesSansPosition: 1 },
    ]);
    expect(sum).toMatchObject({ adresses: 4, voies: 3, adressesCertifiees: 3, partCertifiee: 0.75, codesPostaux: ['75006', '75007'], parTypePosition: { entrée: 3, bâtiment: 1 }, adressesSansPosition: 1 });
    const { records } = projectGroups([group('69381', 1, 3), group('69382', 1, 5)], testReferential());
    const lyon = records.find((r) => r.code === '69123')!.data as unknown as BanCommuneData;
    expect(lyon.adresses).toBe(8);
    expect(lyon.parTypePosition).toEqual({ [NON_RENSEIGNE]: 8 });
    expect(records.map((r) => r.code)).toEqual(['69123', '69381', '69382']);
  });
});
