import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import pipeline from './source.js';
import { FIELDS } from './project.js';
import { DatasetAggregator } from '../../src/aggregate/aggregate.js';

const samples = join(import.meta.dirname, '../../samples/sitadel');
const PD = join(samples, 'Liste-des-permis-de-demolir.2026-01.31555-excerpt.csv');
const LOGEMENTS = join(samples, 'Liste-des-autorisations-durbanisme-creant-des-logements.2026-01.31555-extrait.csv');
const source = registryEntry('sitadel');
const ETAT: Record<string, string> = { 2: 'autorisé', 4: 'annulé', 5: 'commencé', 6: 'terminé' };

/** A list read independently of the pipeline: csv-parse, rows after the two header lines, bound on the codes line. */
function plain(file: string): Record<string, string>[] {
  const [, codes, ...rows] = parse(readFileSync(file, 'utf8'), { delimiter: ';' }) as string[][];
  return rows.map((r) => Object.fromEntries(codes.map((c, i) => [c, r[i]])));
}
const tally = (rows: Record<string, string>[], key: (r: Record<string, string>) => string) => {
  const out: Record<string, number> = {};
  for (const r of rows) out[key(r)] = (out[key(r)] ?? 0) + 1;
  return out;
};

describe('sitadel on the real Toulouse excerpts', async () => {
  const run = await runPipeline(pipeline, { source, files: source.echantillon.map((f) => join(import.meta.dirname, '../..', f)) });
  const toulouse = run.records.find((r) => r.code === '31555')!;
  const rowsOf = (liste: string) => toulouse.rows!.filter((r) => r.liste === liste);
  const pd = plain(PD);

  it('counts Toulouse\'s permis de démolir per year and état as the file does', () => {
    expect(pd).toHaveLength(1730);
    const expected = tally(pd, (r) => `${r.DATE_REELLE_AUTORISATION.slice(0, 4)} ${ETAT[r.ETAT_PD]}`);
    expect(tally(rowsOf('permis-demolir') as Record<string, string>[], (r) => `${r.annee} ${r.etat}`)).toEqual(expected);
    const figures = (toulouse.data.parAnnee as Record<string, unknown>[]).filter((y) => y.liste === 'permis-demolir');
    const fromFigures: Record<string, number> = {};
    for (const y of figures) {
      for (const [k, etat] of [['autorises', 'autorisé'], ['annules', 'annulé'], ['commences', 'commencé'], ['termines', 'terminé']]) {
        if (y[k]) fromFigures[`${y.annee} ${etat}`] = y[k] as number;
      }
      expect(y.autorisations).toBe(pd.filter((r) => r.DATE_REELLE_AUTORISATION.startsWith(String(y.annee))).length);
    }
    expect(fromFigures).toEqual(expected);
  });

  it('sums housing units and floor areas per year from the logements list', () => {
    const file = plain(LOGEMENTS);
    const figures = (toulouse.data.parAnnee as Record<string, unknown>[]).filter((y) => y.liste === 'logements');
    for (const y of figures) {
      const ofYear = file.filter((r) => r.DATE_REELLE_AUTORISATION.startsWith(String(y.annee)));
      const sum = (c: string) => ofYear.reduce((a, r) => a + Number(r[c]), 0);
      expect(y).toMatchObject({ autorisations: ofYear.length, logementsCrees: sum('NB_LGT_TOT_CREES'), logementsIndividuels: sum('NB_LGT_IND_CREES'),
        logementsCollectifsHorsResidence: sum('NB_LGT_COL_HORS_RES'), logementsEnResidence: sum('NB_LGT_RES'), surfaceHabitationCreee: sum('SURF_HAB_CREEE') });
    }
    expect(figures.reduce((a, y) => a + (y.logementsCrees as number), 0)).toBe(file.reduce((a, r) => a + Number(r.NB_LGT_TOT_CREES), 0));
  });

  it('reads the four lists, every row accounted for, and takes the région from the COG', () => {
    expect(run.read).toBe(1782);
    expect(run.projected).toBe(1782);
    expect(Object.fromEntries(['logements', 'locaux-non-residentiels', 'permis-amenager', 'permis-demolir'].map((l) => [l, rowsOf(l).length])))
      .toEqual({ logements: 17, 'locaux-non-residentiels': 15, 'permis-amenager': 20, 'permis-demolir': 1730 });
    expect(pd.every((r) => r.REG_CODE === '73')).toBe(true);
    expect(toulouse.data.codeRegion).toBe('76');
  });

  it('keeps values as published and counts the double-encoded rows without rewriting them', () => {
    const lines = readFileSync(PD, 'utf8').split('\n').slice(2);
    const mojibake = lines.filter((l) => /[\u0080-\u009f]|Ã[\u0080-\u00bf]/.test(l));
    expect(mojibake.length).toBeGreaterThan(0);
    expect(run.notes.get('adressesDoubleEncodees')).toBe(mojibake.length);
    expect(toulouse.data.adressesDoubleEncodees).toBe(mojibake.length);
    const published = pd.find((r) => /[\u0080-\u009f]/.test(r.LOCALITE_DEM + r.ADR_LIBVOIE_TER + r.DENOM_DEM))!;
    const row = rowsOf('permis-demolir').find((r) => r.numero === published.NUM_PD)!;
    expect(row.adresseVoie ?? null).toBe(published.ADR_LIBVOIE_TER || null);
  });

  it('declares fields that add up over a territory: permits and housing units per list, year and état', () => {
    const aggregator = new DatasetAggregator(FIELDS);
    aggregator.add('31555', 500000, toulouse.rows!);
    const nombre = aggregator.indicators().filter((i) => i.champ === 'nombre' && i.cle.liste === 'permis-demolir');
    const expected = tally(pd, (r) => `${r.DATE_REELLE_AUTORISATION.slice(0, 4)} ${ETAT[r.ETAT_PD]}`);
    expect(Object.fromEntries(nombre.map((i) => [`${i.cle.annee} ${i.cle.etat}`, i.valeur]))).toEqual(expected);
    expect(nombre.every((i) => i.methode === 'sum')).toBe(true);
    const logements = aggregator.indicators().filter((i) => i.champ === 'logementsCrees' && i.cle.liste === 'logements');
    expect(logements.reduce((a, i) => a + (i.valeur ?? 0), 0)).toBe(plain(LOGEMENTS).reduce((a, r) => a + Number(r.NB_LGT_TOT_CREES), 0));
  });

  it('names the applicant only where the file publishes a legal entity', () => {
    const person = pd.find((r) => !r.SIREN_DEM && !r.DENOM_DEM && r.LOCALITE_DEM)!;
    const row = rowsOf('permis-demolir').find((r) => r.numero === person.NUM_PD)!;
    expect(row).toMatchObject({ demandeur: null, codePostalDemandeur: null, localiteDemandeur: null });
    const entity = pd.find((r) => r.SIREN_DEM && r.LOCALITE_DEM)!;
    expect(rowsOf('permis-demolir').find((r) => r.numero === entity.NUM_PD)).toMatchObject({ sirenDemandeur: entity.SIREN_DEM, localiteDemandeur: entity.LOCALITE_DEM });
  });
});

describe('sitadel refuses a drifted file, naming file, line and column', () => {
  const broken = (name: string, edit: (text: string) => string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'sitadel-')), name);
    writeFileSync(file, edit(readFileSync(PD, 'utf8')));
    return file;
  };
  const lines = readFileSync(PD, 'utf8').split('\n');

  it('an older edition\'s layout, naming the columns found', async () => {
    const old = '"REG";"DEP";"COMM";"Type_DAU";"Num_DAU";"Etat_DAU";"DATE_REELLE_AUTORISATION"';
    const file = broken('ancien.csv', () => [old, ...lines.slice(2, 5)].join('\n'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toThrow(/colonnes REG, DEP, Type_DAU, Num_DAU, Etat_DAU trouvées/);
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 1, column: 1 });
  });

  it('a renamed column on the codes line', async () => {
    const file = broken('renomme.csv', (t) => t.replace('"ETAT_PD"', '"ETAT"'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 2, column: 7 });
  });

  it('an état outside the dictionary', async () => {
    const file = broken('etat.csv', (t) => t.replace('"03155512A0085";2;', '"03155512A0085";3;'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 4, column: 'ETAT_PD' });
  });

  it('a date that is not a date', async () => {
    const file = broken('date.csv', (t) => t.replace('"03155512A0085";2;"2013-02-21"', '"03155512A0085";2;"21/02/2013"'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ line: 4, column: 'DATE_REELLE_AUTORISATION' });
  });
});
