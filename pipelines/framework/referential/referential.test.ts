import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Referential } from '../../../src/domain/referential.js';
import { SourceError } from '../errors.js';
import { buildReferentialData } from './build.js';
import { readInseeCommunes } from './insee.js';

const fixture = (name: string) => join(import.meta.dirname, 'fixtures', name);
const COMMUNES = fixture('v_commune_2024-extrait.csv');
const MOUVEMENTS = fixture('v_mvt_commune_2024-extrait.csv');

describe('cog from INSEE files', () => {
  let duckdb: DuckDBConnection;
  beforeAll(async () => { duckdb = await (await DuckDBInstance.create(':memory:')).connect(); });
  afterAll(() => duckdb.closeSync());

  it('reads communes, déléguées, associées and arrondissements by column name', async () => {
    const communes = await readInseeCommunes(duckdb, COMMUNES);
    expect(communes).toHaveLength(21);
    expect(communes.find((c) => c.code === '35112')).toMatchObject({ type: 'commune-deleguee', parent: '35062', nom: 'Fleurigné' });
    expect(communes.find((c) => c.code === '01120')).toMatchObject({ type: 'commune-associee', parent: '01262' });
    expect(communes.find((c) => c.code === '75104')).toMatchObject({ type: 'arrondissement-municipal', parent: '75056', departement: '75' });
    expect(communes.find((c) => c.code === '2A004')).toMatchObject({ type: 'commune-actuelle', departement: '2A', region: '94' });
  });

  it('builds a dated referential enriched with postal codes and population', async () => {
    const data = await buildReferentialData([COMMUNES, MOUVEMENTS], duckdb);
    expect(data.millesime).toBe('2024');
    const referential = new Referential(data);
    expect(referential.commune('35238')).toMatchObject({ nom: 'Rennes', codesPostaux: ['35000', '35200', '35700'], epci: '243500139' });
    expect(referential.commune('35238')!.population).toBeGreaterThan(200_000);
    expect(referential.resolve('35112')).toMatchObject({ kind: 'redirect', to: { code: '35062' }, date: '2024-01-01', mod: 32 });
    expect(referential.resolve('39374')).toMatchObject({ kind: 'split', date: '2006-01-01' });
    expect(referential.arrondissementsOf('75056')).toEqual(['75101', '75104']);
  });

  it('names file, line and column when the header drifts or a value is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cog-'));
    const lines = readFileSync(COMMUNES, 'utf8').split('\r\n');
    const renamed = join(dir, 'v_commune_2024.csv');
    writeFileSync(renamed, [lines[0].replace('COMPARENT', 'PARENT'), ...lines.slice(1)].join('\r\n'));
    await expect(readInseeCommunes(duckdb, renamed)).rejects.toThrow(/ligne 1, colonne COMPARENT/);

    const badType = join(dir, 'v_commune_2025.csv');
    writeFileSync(badType, [lines[0], lines[1], lines[2].replace(/^COM,/, 'XYZ,'), ...lines.slice(3)].join('\r\n'));
    const error = await readInseeCommunes(duckdb, badType).catch((e) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ sourceId: 'cog', line: 3, column: 'TYPECOM' });
    expect(error.message).toContain('v_commune_2025.csv');
  });

  it('refuses a file that is neither a commune list nor a change history', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cog-'));
    const other = join(dir, 'autre.csv');
    writeFileSync(other, 'a,b\n1,2\n');
    await expect(buildReferentialData([other], duckdb)).rejects.toThrow(/fichier non reconnu/);
  });
});

describe('Referential', () => {
  const referential = new Referential({
    millesime: 'test',
    communes: [
      { code: '10001', nom: 'Alpha', type: 'commune-actuelle', departement: '10', region: '44', codesPostaux: [] },
      { code: '10002', nom: 'Bêta', type: 'commune-actuelle', departement: '10', region: '44', codesPostaux: [] },
      { code: '10003', nom: 'Gamma', type: 'commune-actuelle', departement: '10', region: '44', codesPostaux: [] },
    ],
    history: [
      { ancienCode: '10009', ancienNom: 'Ancienne', nouveauCode: '10001', nouveauNom: 'Alpha', date: '2001-01-01', mod: 21 },
      { ancienCode: '10009', ancienNom: 'Ancienne', nouveauCode: '10002', nouveauNom: 'Bêta', date: '2001-01-01', mod: 21 },
      { ancienCode: '10008', ancienNom: 'Vieille', nouveauCode: '10007', nouveauNom: 'Intermédiaire', date: '1970-01-01', mod: 31 },
      { ancienCode: '10007', ancienNom: 'Intermédiaire', nouveauCode: '10003', nouveauNom: 'Gamma', date: '1990-01-01', mod: 31 },
    ],
    epci: [], departements: [], regions: [],
  });

  it('follows successive mergers to today\'s commune', () => {
    expect(referential.currentCodes('10008')).toMatchObject({ codes: ['10003'], date: '1970-01-01' });
    expect(referential.resolve('10008')).toMatchObject({ kind: 'redirect', to: { code: '10003' } });
  });

  it('lists every commune a split code went to', () => {
    expect(referential.resolve('10009')).toMatchObject({ kind: 'split', to: [{ code: '10001' }, { code: '10002' }] });
    expect(referential.resolve('10099')).toEqual({ kind: 'unknown' });
    expect(referential.formerCodesOf('10003').map((e) => e.ancienCode)).toEqual(['10007']);
  });
});
