import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import { storeKinds } from '../../tests/helpers/stores.js';
import { ingestForTest } from '../../tests/helpers/ingest.js';
import { createApp } from '../../src/app.js';
import { unzip } from '../../tests/helpers/zip.js';
import pipeline from './source.js';
import { NO_FUNCTION, ageAt, ageBand } from './project.js';

const samples = join(import.meta.dirname, '../../samples/elus-rne');
const MAIRES = join(samples, 'elus-maires-mai-extrait.csv');
const CONSEILLERS = join(samples, 'elus-conseillers-municipaux-cm-illustratif.csv');
const source = registryEntry('elus-rne');

/** A file read independently of the pipeline: `;` split, by header name. */
const plainOf = (file: string) => {
  const [header, ...lines] = readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split(';'));
  return lines.map((f) => Object.fromEntries(header.map((h, i) => [h, f[i]])));
};
const isoOf = (d: string) => (d.includes('/') ? d.split('/').reverse().join('-') : d);

describe('elus-rne on the real maire row', async () => {
  const run = await runPipeline(pipeline, { source, files: [MAIRES] });

  it('publishes the maire as the file gives her, without her date of birth', () => {
    const [row] = plainOf(MAIRES);
    const record = run.records.find((r) => r.code === '01001')!;
    expect(record.data.maire).toEqual({
      nom: row["Nom de l'élu"], prenom: row["Prénom de l'élu"], sexe: row['Code sexe'], dateDebutMandat: row['Date de début du mandat'],
      dateDebutFonction: row['Date de début de la fonction'],
      categorieSocioProfessionnelle: { code: row['Code de la catégorie socio-professionnelle'], libelle: row['Libellé de la catégorie socio-professionnelle'] },
    });
    expect(JSON.stringify(record)).not.toContain(row['Date de naissance']);
    expect(record.data.conseilMunicipal).toBeNull();
    expect(run.output.metadata).toMatchObject({ absences: { 'conseillers municipaux (elus-conseillers-municipaux-cm.csv)': expect.any(String) } });
    expect(run.read).toBe(1);
    expect(run.projected).toBe(1);
  });
});

describe('elus-rne with the council file (illustrative values, exact layout)', async () => {
  const run = await runPipeline(pipeline, { source, files: [MAIRES, CONSEILLERS] });
  const plain = plainOf(CONSEILLERS);
  const record = run.records.find((r) => r.code === '01001')!;
  const reference = [...plain, ...plainOf(MAIRES)].map((r) => isoOf(r['Date de début du mandat'])).sort().at(-1)!;

  it('counts the council by sex, age band (ISO and DD/MM/YYYY dates) and function', () => {
    const tally = (values: string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});
    expect(reference).toBe('2026-03-15');
    expect(record.data.conseilMunicipal).toEqual({
      effectif: plain.length,
      parSexe: tally(plain.map((r) => r['Code sexe'])),
      parTrancheAge: tally(plain.map((r) => ageBand(ageAt(isoOf(r['Date de naissance']), reference)))),
      parFonction: tally(plain.map((r) => r['Libellé de la fonction'] || NO_FUNCTION)),
    });
    expect(record.rows!.filter((r) => r.critere === 'sexe').reduce((n, r) => n + Number(r.elus), 0)).toBe(plain.length);
    expect(JSON.stringify(record)).not.toMatch(/19[4-9]\d-\d\d-\d\d/);
    expect(run.read).toBe(plain.length + 1);
    expect(run.read).toBe(run.projected + [...run.rejected.values()].reduce((a, b) => a + b, 0));
  });

  it('computes whole years of age at the reference date', () => {
    expect(ageAt('1967-07-22', '2026-03-15')).toBe(58);
    expect(ageAt('1967-03-15', '2026-03-15')).toBe(59);
    expect(ageBand(29)).toBe('moins de 30 ans');
    expect(ageBand(75)).toBe('75 ans et plus');
  });
});

describe('elus-rne refuses a drifted file, naming file, line and column', () => {
  const variant = (edit: (t: string) => string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'elus-rne-')), 'cm.csv');
    writeFileSync(file, edit(readFileSync(CONSEILLERS, 'utf8')));
    return file;
  };
  it('a file of another source', async () => {
    const other = join(import.meta.dirname, '../../samples/budget-ofgl/ofgl-base-communes-consolidee-31135-excerpt.csv');
    await expect(runPipeline(pipeline, { source, files: [other] })).rejects.toMatchObject({ line: 1, column: 1 });
  });
  it('a date in neither format', async () => {
    const file = variant((t) => t.replace('1958-02-11', '11 février 1958'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, line: 3, column: 'Date de naissance' });
  });
  it('a sex code that is not F or M', async () => {
    const file = variant((t) => t.replace(';Trois;F;', ';Trois;X;'));
    await expect(runPipeline(pipeline, { source, files: [file] })).rejects.toMatchObject({ file, line: 4, column: 'Code sexe' });
  });
});

const EPCI = join(samples, 'elus-conseillers-communautaires-epci-illustratif.csv');

describe('elus-rne with the conseillers communautaires file (illustrative values, columns bound by name)', async () => {
  const run = await runPipeline(pipeline, { source, files: [MAIRES, EPCI] });

  it('gives each EPCI its président as the file gives him, without his date of birth', () => {
    const president = plainOf(EPCI).filter((r) => r['Libellé de la fonction'] === 'Président du conseil communautaire');
    expect(president).toHaveLength(1);
    const [row] = president;
    expect(run.output.territories).toEqual([{
      kind: 'epci', code: row['N° SIREN'],
      data: { president: { nom: row["Nom de l'élu"], prenom: row["Prénom de l'élu"], sexe: row['Code sexe'], dateDebutFonction: row['Date de début de la fonction'] } },
    }]);
    expect(JSON.stringify(run.output.territories)).not.toContain(row['Date de naissance']);
    // The EPCI file's rows are no commune's: the maire's accounting is unchanged.
    expect(run.read).toBe(1);
  });

  it('stops on a missing column, named, and on two présidents for one EPCI, with the line', async () => {
    const variant = (edit: (t: string) => string) => {
      const file = join(mkdtempSync(join(tmpdir(), 'elus-rne-')), 'epci.csv');
      writeFileSync(file, edit(readFileSync(EPCI, 'utf8')));
      return file;
    };
    const renamed = variant((t) => t.replace('Code sexe', 'Sexe'));
    await expect(runPipeline(pipeline, { source, files: [renamed] })).rejects.toMatchObject({ file: renamed, line: 1, column: 'Code sexe' });
    const twice = variant((t) => t.replace('1er vice-président du conseil communautaire', 'Président du conseil communautaire'));
    await expect(runPipeline(pipeline, { source, files: [twice] })).rejects.toMatchObject({ file: twice, line: 3, column: 'Libellé de la fonction' });
  });
});

describe.each(storeKinds)('elus-rne: the EPCI président served in the EPCI dotation on $name', (kind) => {
  let store: Awaited<ReturnType<typeof kind.open>>;
  beforeAll(async () => {
    store = await kind.open();
    // A run on the Ain alone (the files are excerpts: no national row count), from the given files.
    await ingestForTest(store, { sources: ['cog'], sample: true });
    await ingestForTest(store, { sources: ['elus-rne'], departements: ['01'], inputs: new Map([['elus-rne', [MAIRES, EPCI]]]) });
  }, 120_000);
  afterAll(() => store.dispose());

  it('serves the président under the dataset of /epci/{siren}/dotation, and nothing for another EPCI', async () => {
    const app = createApp({ store, registry: [registryEntry('cog'), source], releaseCheckMs: 0 });
    const dotation = async (siren: string) => {
      const r = await app.request(`/epci/${siren}/dotation`);
      expect(r.status).toBe(200);
      return ((await r.json()) as { datasets: { id: string; statut: string; territoire?: unknown }[] }).datasets.find((d) => d.id === 'elus-rne')!;
    };
    const dombes = await dotation('200069193');
    expect(dombes.statut).toBe('available');
    expect(dombes.territoire).toEqual(presidentOfSample());
    expect((await dotation('243500139')).territoire).toBeUndefined();
  });

  it('puts the président in the EPCI pack, as the table of the territory\'s own data, and none for another EPCI', async () => {
    const app = createApp({ store, registry: [registryEntry('cog'), source], releaseCheckMs: 0 });
    const pack = async (siren: string) => {
      const r = await app.request(`/epci/${siren}/dotation.zip`);
      expect(r.status).toBe(200);
      return unzip(Buffer.from(await r.arrayBuffer()));
    };
    const entries = await pack('200069193');
    const { president } = presidentOfSample();
    // The store keeps a JSON object's keys in its own order: the lines are compared as a set.
    const [head, ...lines] = entries.find((e) => e.path === 'donnees-du-territoire.csv')!.text.trim().split('\n');
    expect(head).toBe('dataset,cle,valeur');
    expect(lines.sort()).toEqual(Object.entries(president).map(([k, v]) => `elus-rne,president.${k},${v}`).sort());
    const resources = (JSON.parse(entries.find((e) => e.path === 'datapackage.json')!.text) as { resources: { name: string }[] }).resources;
    expect(resources.map((r) => r.name)).toContain('donnees-du-territoire');
    expect((await pack('243500139')).some((e) => e.path === 'donnees-du-territoire.csv')).toBe(false);
  });
});

function presidentOfSample() {
  const row = plainOf(EPCI).find((r) => r['Libellé de la fonction'] === 'Président du conseil communautaire')!;
  return { president: { nom: row["Nom de l'élu"], prenom: row["Prénom de l'élu"], sexe: row['Code sexe'], dateDebutFonction: row['Date de début de la fonction'] } };
}
