import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline, testReferential } from '../../tests/helpers/run-pipeline.js';
import pipeline from './source.js';

const samples = join(import.meta.dirname, '../../samples/marches-publics-decp');
const V1 = join(samples, 'decp-v1-consolide-excerpt.json');
const CSV = join(samples, 'decp-illustratif.csv');
const source = registryEntry('marches-publics-decp');
const tmp = (name: string, text: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'decp-')), name);
  writeFileSync(file, text);
  return file;
};
interface V1Marche { id: string; montant: number; 'acheteur.id': string; lieuExecution: { code: string; typeCode: string }; modifications: unknown[] }
const v1 = (JSON.parse(readFileSync(V1, 'utf8')) as { marches: V1Marche[] }).marches;
const communeSirens = new Set([...testReferential().communesAndArrondissements()].map((c) => c.siren).filter(Boolean));

describe('marches-publics-decp on the real DECP v1 excerpt', () => {
  it('reads the three contracts and lands none on a commune: their buyers are not communes, their place is a département', async () => {
    expect(v1).toHaveLength(3);
    for (const m of v1) {
      expect(communeSirens.has(m['acheteur.id'].slice(0, 9))).toBe(false);
      expect(m.lieuExecution.typeCode).toBe('CODE DEPARTEMENT');
    }
    const run = await runPipeline(pipeline, { source, files: [V1] });
    expect(run.records).toEqual([]);
    expect(run.notes.get('marchesSansCommune')).toBe(3);
    expect(run.output.metadata).toMatchObject({ formats: ['json'], lignesLues: 3, marches: 3 });
  });

  it('places a v1 contract on its buyer\'s commune and on the commune where it is executed, with the amount of its last modification', async () => {
    // The real excerpt with the first contract's buyer set to Rennes' SIRET and its place to a commune code (Acigné).
    const edited = JSON.parse(readFileSync(V1, 'utf8')) as { marches: (V1Marche & { modifications: { montant?: number }[] })[] };
    Object.assign(edited.marches[0], { 'acheteur.id': '21350238800019', lieuExecution: { code: '35001', typeCode: 'Code commune', nom: 'Acigné' } });
    edited.marches[1]['acheteur.id'] = '21350238800019';
    edited.marches[1].modifications = [{ montant: 100000 }, { }];
    const run = await runPipeline(pipeline, { source, files: [tmp('v1.json', JSON.stringify(edited))] });
    const rennes = run.records.find((r) => r.code === '35238')!;
    expect(rennes.rows!.map((r) => [r.relation, r.id, r.montant])).toEqual([
      ['passé par la commune', v1[1].id, 100000],
      ['passé par la commune', v1[0].id, v1[0].montant],
    ]);
    expect(rennes.data.passes).toMatchObject({ marches: 2, montant: v1[0].montant + 100000 });
    expect(run.records.find((r) => r.code === '35001')!.data.executes).toMatchObject({ marches: 1, montant: v1[0].montant });
    expect(run.records.map((r) => r.code)).toEqual(['35001', '35238']);
  });
});

describe('marches-publics-decp on the tabular layout (illustrative rows)', async () => {
  const run = await runPipeline(pipeline, { source, files: [CSV] });
  /** The file read independently: csv-parse, current rows, one contract per uid. */
  const rows = parse(readFileSync(CSV, 'utf8'), { columns: true }) as Record<string, string>[];
  const contracts = new Map(rows.filter((r) => r.donneesActuelles !== 'false').map((r) => [r.uid, r]));
  const sirenOf = (code: string) => testReferential().commune(code)!.siren!;

  it('sums each commune\'s contracts per year once per uid, current versions only', () => {
    for (const code of ['35238', '35001']) {
      const passed = [...contracts.values()].filter((c) => c.acheteur_id.slice(0, 9) === sirenOf(code) && c.acheteur_categorie === 'Commune');
      const perYear: Record<string, number> = {};
      for (const c of passed) perYear[c.dateNotification.slice(0, 4)] = (perYear[c.dateNotification.slice(0, 4)] ?? 0) + Number(c.montant);
      const record = run.records.find((r) => r.code === code)!;
      const passes = record.data.passes as { marches: number; parAnnee: { annee: string; montant: number }[] };
      expect(passes.marches).toBe(passed.length);
      expect(Object.fromEntries(passes.parAnnee.map((y) => [y.annee, y.montant]))).toEqual(perYear);
    }
    expect(rows.filter((r) => r.uid === '213502388000192023M002').map((r) => r.montant)).toEqual(['50000.0', '65000.0']);
  });

  it('counts contracts executed in a commune apart, keeping the leading zero of 01004', () => {
    const executed = (code: string) => [...contracts.values()].filter((c) => c.lieuExecution_typeCode === 'Code commune' && c.lieuExecution_code === code);
    for (const code of ['35238', '01004']) {
      const record = run.records.find((r) => r.code === code)!;
      expect(record.data.executes).toMatchObject({ marches: executed(code).length, montant: executed(code).reduce((a, c) => a + Number(c.montant), 0) });
    }
    expect(run.records.find((r) => r.code === '01004')!.data.passes).toBeNull();
  });

  it('lists co-contractors once per contract and ranks titulaires', () => {
    const rennes = run.records.find((r) => r.code === '35238')!;
    expect(rennes.rows!.find((r) => r.uid === '213502388000192023M001')).toMatchObject({ titulaires: '11111111100011 | 22222222200022', nombre: 1, montant: 120000 });
    const top = (rennes.data.passes as { principauxTitulaires: { id: string; marches: number }[] }).principauxTitulaires;
    expect(top[0]).toMatchObject({ id: '11111111100011', marches: 2 });
  });

  it('publishes nothing for a commune without contracts (no-data-for-commune)', () => {
    expect(run.records.map((r) => r.code)).toEqual(['01004', '35001', '35238']);
    expect(run.read).toBe(run.projected);
    expect(run.read).toBe(7);
  });
});

describe('marches-publics-decp on decp.parquet', () => {
  it('reads the same contracts from parquet, identifiers written as integers getting their zeros back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'decp-')), 'decp.parquet');
    const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
    await duckdb.run(`COPY (SELECT * REPLACE (CAST(lieuExecution_code AS INTEGER) AS lieuExecution_code, CAST(acheteur_id AS BIGINT) AS acheteur_id,
      CAST(montant AS DOUBLE) AS montant, CAST(donneesActuelles AS BOOLEAN) AS donneesActuelles)
      FROM read_csv('${CSV}', all_varchar = true)) TO '${file}' (FORMAT parquet)`);
    duckdb.closeSync();
    const [fromCsv, fromParquet] = await Promise.all([CSV, file].map((f) => runPipeline(pipeline, { source, files: [f] })));
    expect(fromParquet.records.map((r) => [r.code, r.data])).toEqual(fromCsv.records.map((r) => [r.code, r.data]));
    expect(fromParquet.records.map((r) => r.code)).toContain('01004');
  });
});

describe('marches-publics-decp refuses a drifted file, naming file, line and column', () => {
  const text = readFileSync(CSV, 'utf8');
  it('a missing column', async () => {
    const file = tmp('decp.csv', text.replace('donneesActuelles', 'actuelles'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 1, column: 'donneesActuelles' });
  });
  it('an amount that is not a number', async () => {
    const file = tmp('decp.csv', text.replace(',45000.5,', ',"45 000,5 €",'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 7, column: 'montant' });
  });
  it('a current flag that is neither true nor false', async () => {
    const lines = text.split('\n');
    lines[3] = lines[3].replace(/,false,illustratif/, ',peut-être,illustratif');
    await expect(runPipeline(pipeline, { source, files: [tmp('decp.csv', lines.join('\n'))] })).rejects.toMatchObject({ line: 4, column: 'donneesActuelles' });
  });
});
