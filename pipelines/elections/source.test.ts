import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import pipeline from './source.js';
import { LAYOUTS, SET_ASIDE, isCommuneFile, type CandidatResultat } from './project.js';
import { circonscriptionCode, communeCode } from '../framework/interieur-codes.js';
import { toUtf8 } from '../framework/staged-csv.js';
import { bindBlocks, HeaderDrift } from '../framework/column-blocks.js';
import { runPipeline, registryEntry, testReferential, type PipelineRun } from '../../tests/helpers/run-pipeline.js';
import { Referential } from '../../src/domain/referential.js';
import { SourceError } from '../framework/errors.js';

const S = (path: string) => join(import.meta.dirname, '../../samples', path);
const FILES: Record<string, string[]> = {
  'elections-pres-2022-t1': [S('elections-pres-2022-t1/resultats-par-niveau-subcom-t1-france-entiere.txt')],
  'elections-pres-2022-t2': [S('elections-pres-2022-t2/resultats-par-niveau-subcom-t2-france-entiere.txt')],
  'elections-euro-2024': [S('elections-euro-2024/resultats-definitifs-par-commune.csv')],
  'elections-legi-2024-t1': [S('elections-legi-2024-t1/resultats-definitifs-par-communes.csv'), S('elections-legi-2024-t1/resultats-definitifs-par-circonscriptions-legislatives.csv')],
  'elections-legi-2024-t2': [S('elections-legi-2024-t2/resultats-definitifs-par-commune.csv'), S('elections-legi-2024-t2/resultats-definitifs-par-circonscription.csv')],
};

/** Reads a results file in the test, independently of the pipeline: rows as arrays, header first. */
function table(path: string, encoding: string): string[][] {
  const text = encoding === 'windows-1252' ? iconv.decode(readFileSync(path), 'win1252') : readFileSync(path, 'utf8');
  return parse(text, { delimiter: ';', relax_column_count: true, skip_empty_lines: true }) as string[][];
}

interface T { inscrits: number; votants: number; voix: number; lignes: number }

/** Totals of inscrits, votants and voix over the whole file, found by header name. */
function fileTotals(path: string, encoding: string): T {
  const [header, ...rows] = table(path, encoding);
  const ins = header.indexOf('Inscrits');
  const vot = header.indexOf('Votants');
  const subcomVoix = header.indexOf('Voix');
  const wideVoix = header.map((h, i) => (/^Voix \d+$/.test(h) ? i : -1)).filter((i) => i >= 0);
  const t: T = { inscrits: 0, votants: 0, voix: 0, lignes: rows.length };
  for (const r of rows) {
    t.inscrits += Number(r[ins]);
    t.votants += Number(r[vot]);
    const cols = subcomVoix >= 0 ? r.map((_, i) => i).filter((i) => i >= subcomVoix && (i - subcomVoix) % 7 === 0) : wideVoix;
    for (const c of cols) t.voix += Number(r[c] || 0);
  }
  return t;
}

/** Totals over the published communes (from their records) plus the rows set aside with their reason. */
function accounted(run: PipelineRun): T {
  const t: T = { inscrits: 0, votants: 0, voix: 0, lignes: 0 };
  for (const r of run.records) {
    t.inscrits += r.data.inscrits as number;
    t.votants += r.data.votants as number;
    t.lignes += r.data.lignesSource as number;
    for (const c of r.data.candidats as CandidatResultat[]) t.voix += c.voix;
  }
  const aside = (run.output.metadata!.bilan as { ecartes: Record<string, T> }).ecartes;
  for (const [reason, a] of Object.entries(aside)) {
    expect(run.rejected.get(reason)).toBe(a.lignes);
    t.inscrits += a.inscrits;
    t.votants += a.votants;
    t.voix += a.voix;
    t.lignes += a.lignes;
  }
  return t;
}

const record = (run: PipelineRun, code: string) => run.records.find((r) => r.code === code);
const candidat = (run: PipelineRun, code: string, name: string) =>
  (record(run, code)?.data.candidats as CandidatResultat[]).find((c) => c.candidat.includes(name))!;

const runs = new Map<string, PipelineRun>();
beforeAll(async () => {
  for (const [id, files] of Object.entries(FILES)) runs.set(id, await runPipeline(pipeline, { source: registryEntry(id), files }));
});

describe('invariant: nothing lost silently', () => {
  for (const id of Object.keys(FILES)) {
    it(`${id}: totals of inscrits, votants and voix over the file = communes + rows set aside`, () => {
      const run = runs.get(id)!;
      const source = registryEntry(id);
      const expected = fileTotals(FILES[id][0], source.encodage);
      expect(expected.voix).toBeGreaterThan(0);
      expect(accounted(run)).toEqual(expected);
      expect(run.read).toBe(expected.lignes);
      expect(run.projected + [...run.rejected.values()].reduce((a, b) => a + b, 0)).toBe(run.read);
    });
  }
});

describe('présidentielle 2022 (cp1252, header shorter than the rows)', () => {
  it('reads 12 candidates in the first round, 2 in the second', () => {
    expect(record(runs.get('elections-pres-2022-t1')!, '35238')?.data.candidats).toHaveLength(12);
    expect(record(runs.get('elections-pres-2022-t2')!, '35238')?.data.candidats).toHaveLength(2);
    expect(runs.get('elections-pres-2022-t1')!.records).toHaveLength(13);
  });

  it('converts cp1252 (Œ is not Latin-1) to UTF-8 before DuckDB reads it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cp1252-'));
    const utf8 = await toUtf8(FILES['elections-pres-2022-t1'][0], 'windows-1252', dir, 't');
    const text = readFileSync(utf8, 'utf8');
    expect(text).toContain('2;Aisne;565;Œuilly');
    expect(text).toContain('MÉLENCHON;Jean-Luc');
    expect(candidat(runs.get('elections-pres-2022-t1')!, '02565', 'MÉLENCHON').nom).toBe('MÉLENCHON');
  });

  it('rebuilds codes: unpadded, Corsica, DOM letters, Mayotte’s old numbering, COM', () => {
    const codes = runs.get('elections-pres-2022-t1')!.records.map((r) => r.code).sort();
    expect(codes).toEqual(['01002', '02565', '2A004', '35062', '35238', '75056', '97110', '97411', '97502', '97608', '97801', '98714', '98818']);
  });

  it('sums a commune merged since the election onto today’s commune and lists the codes summed', () => {
    const run = runs.get('elections-pres-2022-t1')!;
    const [header, ...rows] = table(FILES['elections-pres-2022-t1'][0], 'windows-1252');
    const ins = header.indexOf('Inscrits');
    const janson = rows.find((r) => r[3] === 'La Chapelle-Janson')!;
    const fleurigne = rows.find((r) => r[3] === 'Fleurigné')!;
    const merged = record(run, '35062')!;
    expect(merged.data.codesSommes).toEqual(['35062', '35112']);
    expect(merged.data.inscrits).toBe(Number(janson[ins]) + Number(fleurigne[ins]));
    expect(merged.data.lignesSource).toBe(2);
    expect(record(run, '35238')!.data.codesSommes).toBeUndefined();
  });

  it('computes % of exprimés and of inscrits, equal to the file’s own for an unmerged commune', () => {
    const run = runs.get('elections-pres-2022-t1')!;
    const [header, ...rows] = table(FILES['elections-pres-2022-t1'][0], 'windows-1252');
    const rennes = rows.find((r) => r[3] === 'Rennes')!;
    const at = rennes.indexOf('MACRON');
    const c = candidat(run, '35238', 'MACRON');
    // MACRON is in the 3rd block: the header only names the 1st, blocks repeat every 7 columns.
    expect((at - header.indexOf('Nom')) % 7).toBe(0);
    expect(c.voix).toBe(Number(rennes[at + 2]));
    expect(c.pourcentageVoixInscrits).toBe(Number(rennes[at + 3].replace(',', '.')));
    expect(c.pourcentageVoixExprimes).toBe(Number(rennes[at + 4].replace(',', '.')));
  });

  it('names the leading candidate', () => {
    const data = record(runs.get('elections-pres-2022-t2')!, '75056')!.data;
    const cands = data.candidats as CandidatResultat[];
    const top = cands.reduce((a, b) => (b.voix > a.voix ? b : a));
    expect(data.enTete).toMatchObject({ candidat: top.candidat, voix: top.voix });
    expect(record(runs.get('elections-pres-2022-t2')!, '75056')!.rows!.filter((r) => r.enTete)).toHaveLength(1);
  });

  it('keeps the French abroad out and counts them, and sets aside Wallis (no COG commune) with its reason', () => {
    const run = runs.get('elections-pres-2022-t1')!;
    expect(run.rejected.get(SET_ASIDE.abroad)).toBe(2);
    expect(run.notes.get('lignesFrancaisEtranger')).toBe(2);
    expect(run.notes.get('inscritsFrancaisEtranger')).toBe(10250 + 55120);
    expect(run.rejected.get(SET_ASIDE.unknown)).toBe(1);
    expect(run.output.metadata!.lignesEcartees).toEqual([
      expect.objectContaining({ code: '98601', libelle: 'Wallis-Et-Futuna', raison: SET_ASIDE.unknown, inscrits: 8680 }),
    ]);
  });
});

describe('européennes 2024 (38 lists, 98,10% percentages)', () => {
  it('publishes 38 lists per commune with the file’s percentages', () => {
    const run = runs.get('elections-euro-2024')!;
    const [header, ...rows] = table(FILES['elections-euro-2024'][0], 'utf-8');
    const rennes = rows.find((r) => r[2] === '35238')!;
    const lists = record(run, '35238')!.data.candidats as CandidatResultat[];
    expect(lists).toHaveLength(38);
    const first = lists.find((l) => l.numeroPanneau === rennes[header.indexOf('Numéro de panneau 1')])!;
    expect(first.liste).toBe(rennes[header.indexOf('Libellé de liste 1')]);
    expect(first.voix).toBe(Number(rennes[header.indexOf('Voix 1')]));
    expect(`${first.pourcentageVoixExprimes!.toFixed(2).replace('.', ',')}%`).toBe(rennes[header.indexOf('% Voix/exprimés 1')]);
    expect(record(run, '35238')!.rows).toHaveLength(38);
  });

  it('re-keys a commune merged after 2024 (01330 Ruffieu → 01187) and reads numeric DOM départements', () => {
    const run = runs.get('elections-euro-2024')!;
    expect(record(run, '01187')!.data.codesSommes).toEqual(['01187', '01330']);
    expect(record(run, '01330')).toBeUndefined();
    expect(record(run, '97411')).toBeDefined();
    expect(record(run, '97608')).toBeDefined();
    expect(run.rejected.get(SET_ASIDE.abroad)).toBe(1);
  });
});

describe('législatives 2024 (9 columns per candidate, circonscriptions)', () => {
  it('gives a commune shared between circonscriptions both, with each one’s elected and leader', () => {
    const brest = record(runs.get('elections-legi-2024-t2')!, '29019')!.data;
    const circos = brest.circonscriptions as { code: string; elu: string; enTete: { candidat: string } }[];
    expect(circos.map((c) => [c.code, c.elu])).toEqual([['2902', 'Pierre-Yves CADALEN'], ['2903', 'Didier LE GAC']]);
    expect(brest.lignesSource).toBe(2);
  });

  it('computes a candidate’s percentages on the part of the commune where they stood', () => {
    const run = runs.get('elections-legi-2024-t2')!;
    const [header, ...rows] = table(FILES['elections-legi-2024-t2'][0], 'utf-8');
    const part = rows.find((r) => r[2] === '29019' && r.includes('LE GAC'))!;
    const at = part.indexOf('LE GAC');
    const c = candidat(run, '29019', 'LE GAC');
    expect(header[at]).toMatch(/^Nom candidat \d+$/);
    expect(`${c.pourcentageVoixExprimes!.toFixed(2).replace('.', ',')}%`).toBe(part[at + 5]);
    expect(c).toMatchObject({ elu: true, circonscription: '2903', nuance: 'ENS' });
  });

  it('reads the unpadded 1st-round codes (1053, circonscription 101) and sums a merged commune', () => {
    const run = runs.get('elections-legi-2024-t1')!;
    expect(run.records.map((r) => r.code).sort()).toEqual(['01053', '01187']);
    expect(record(run, '01187')!.data.codesSommes).toEqual(['01187', '01330']);
    expect((record(run, '01053')!.data.circonscriptions as { code: string }[]).map((c) => c.code)).toEqual(['0101']);
    expect(run.notes.get('candidatsSansCirconscription')).toBe(0);
  });

  it('still projects without the per-circonscription file, saying the circonscriptions are not named', async () => {
    const run = await runPipeline(pipeline, { source: registryEntry('elections-legi-2024-t2'), files: FILES['elections-legi-2024-t2'].slice(0, 1) });
    expect(run.records).toHaveLength(35);
    expect(run.output.metadata!.circonscriptionsNommees).toBe(false);
    expect((record(run, '29019')!.data.circonscriptions as { code: string | null }[])[0].code).toBeNull();
  });
});

describe('re-keying a split commune', () => {
  it('sets the split code aside as not projectable, keeps its results, and the totals still add up', async () => {
    // A COG in which Rennes (35238) had since been split into 35238 and 35001.
    const base = testReferential().data;
    const referential = new Referential({
      ...base,
      communes: base.communes.filter((c) => c.code !== '35238'),
      history: [
        ...base.history,
        { ancienCode: '35238', ancienNom: 'Rennes', nouveauCode: '35001', nouveauNom: 'Acigné' },
        { ancienCode: '35238', ancienNom: 'Rennes', nouveauCode: '35024', nouveauNom: 'Betton' },
      ],
    });
    const id = 'elections-pres-2022-t1';
    const run = await runPipeline(pipeline, { source: registryEntry(id), files: FILES[id], referential });
    expect(run.rejected.get(SET_ASIDE.split)).toBe(1);
    expect(record(run, '35238')).toBeUndefined();
    expect(run.output.metadata!.lignesEcartees).toContainEqual(
      expect.objectContaining({ code: '35238', raison: SET_ASIDE.split, codesActuels: ['35001', '35024'] }),
    );
    expect(accounted(run)).toEqual(fileTotals(FILES[id][0], 'windows-1252'));
  });
});

describe('--departement filter', () => {
  it('projects only the communes of the département and accounts for the rest', async () => {
    const id = 'elections-pres-2022-t1';
    const run = await runPipeline(pipeline, { source: registryEntry(id), files: FILES[id], departements: ['35'] });
    expect(run.records.map((r) => r.code).sort()).toEqual(['35062', '35238']);
    expect(run.read).toBe(3);
    expect(run.notes.get('lignesHorsFiltreDepartements')).toBe(14);
  });
});

describe('format checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'elections-bad-'));

  it('names line and column of a vote count that is not a number', async () => {
    const lines = readFileSync(FILES['elections-euro-2024'][0], 'utf8').split('\n');
    const cells = lines[3].split(';');
    const header = lines[0].split(';');
    cells[header.indexOf('"Voix 3"')] = '12O';
    lines[3] = cells.join(';');
    const bad = join(dir, 'euro.csv');
    writeFileSync(bad, lines.join('\n'));
    const error = await runPipeline(pipeline, { source: registryEntry('elections-euro-2024'), files: [bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ file: 'euro.csv', line: 4, column: 'Voix 3' });
  });

  it('names a malformed percentage', async () => {
    // The first percentage of the first data row is "% Votants".
    const text = readFileSync(FILES['elections-legi-2024-t2'][0], 'utf8').replace(/"(\d+),(\d+)%"/, '"$1x$2%"');
    const bad = join(dir, 'legi.csv');
    writeFileSync(bad, text);
    const error = await runPipeline(pipeline, { source: registryEntry('elections-legi-2024-t2'), files: [bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ line: 2, column: '% Votants' });
  });

  it('stops on header drift', async () => {
    const raw = readFileSync(FILES['elections-pres-2022-t2'][0]);
    const text = iconv.decode(raw, 'win1252').replace('Abstentions', 'Abstention');
    const bad = join(dir, 'pres.txt');
    writeFileSync(bad, iconv.encode(text, 'win1252'));
    const error = await runPipeline(pipeline, { source: registryEntry('elections-pres-2022-t2'), files: [bad] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect(error).toMatchObject({ line: 1, column: 'Abstention' });
  });
});

describe('registry entries and samples', () => {
  for (const id of Object.keys(FILES)) {
    it(`${id} parses and its sample runs within its declared row count`, async () => {
      const source = registryEntry(id);
      expect(source).toMatchObject({ pipeline: 'elections', finalite: 'Transparence' });
      const files = source.echantillon.map((p) => join(import.meta.dirname, '../..', p));
      for (const f of files) expect(existsSync(f)).toBe(true);
      const run = await runPipeline(pipeline, { source, files });
      expect(run.read).toBeGreaterThanOrEqual(source.lignesEchantillon.min);
      expect(run.read).toBeLessThanOrEqual(source.lignesEchantillon.max);
      expect(run.output.fields!.map((f) => f.name)).toEqual(Object.keys(run.records[0].rows![0]));
    });
  }
});

const code = (dep: string, commune: string) => {
  const r = communeCode(dep, commune);
  return r.kind === 'commune' ? r.code : r.kind;
};

describe('communeCode', () => {
  it('pads unpadded département and commune numbers', () => {
    expect(code('1', '2')).toBe('01002');
    expect(code('01', '002')).toBe('01002');
    expect(code('35', '62')).toBe('35062');
    expect(code('2A', '4')).toBe('2A004');
  });

  it('takes full INSEE codes as they are, restoring a lost leading zero', () => {
    expect(code('1', '1053')).toBe('01053');
    expect(code('2A', '2A004')).toBe('2A004');
    expect(code('974', '97411')).toBe('97411');
    expect(code('ZX', '97801')).toBe('97801');
  });

  it('maps the Ministry’s overseas letter codes, Mayotte with its old numbering', () => {
    expect(code('ZA', '110')).toBe('97110');
    expect(code('ZB', '209')).toBe('97209');
    expect(code('ZC', '302')).toBe('97302');
    expect(code('ZD', '416')).toBe('97416');
    expect(code('ZM', '508')).toBe('97608');
    expect(code('ZS', '502')).toBe('97502');
    expect(code('ZX', '801')).toBe('97801');
    expect(code('ZX', '701')).toBe('97701');
    expect(code('ZN', '818')).toBe('98818');
    expect(code('ZP', '14')).toBe('98714');
    expect(code('ZW', '1')).toBe('98601');
  });

  it('keeps the French abroad out of communes', () => {
    expect(communeCode('ZZ', '25')).toEqual({ kind: 'abroad' });
    expect(communeCode('ZZ', 'ZZ01')).toEqual({ kind: 'abroad' });
  });

  it('refuses what it cannot read', () => {
    expect(communeCode('QQ', '12').kind).toBe('invalid');
    expect(communeCode('35', '').kind).toBe('invalid');
    expect(communeCode('35', 'AB12').kind).toBe('invalid');
  });
});

describe('circonscriptionCode', () => {
  it('pads the unpadded 1st-round codes and keeps the others', () => {
    expect(circonscriptionCode('101')).toBe('0101');
    expect(circonscriptionCode('0101')).toBe('0101');
    expect(circonscriptionCode('2A01')).toBe('2A01');
    expect(circonscriptionCode('97401')).toBe('97401');
    expect(circonscriptionCode('ZZ01')).toBe('ZZ01');
    expect(circonscriptionCode('')).toBeNull();
  });
});

/** The header bound to the elections' declared LAYOUTS. */
const readLayout = (header: string[], firstRow: string[] | undefined) => bindBlocks(header, firstRow, LAYOUTS);
const SUBCOM = 'Code du département;Libellé du département;Code de la commune;Libellé de la commune;Etat saisie;Inscrits;Abstentions;% Abs/Ins;Votants;% Vot/Ins;Blancs;% Blancs/Ins;% Blancs/Vot;Nuls;% Nuls/Ins;% Nuls/Vot;Exprimés;% Exp/Ins;% Exp/Vot;N°Panneau;Sexe;Nom;Prénom;Voix;% Voix/Ins;% Voix/Exp'.split(';');
/** A data row of n fields (the last one filled unless said). */
const row = (n: number, last = '0') => [...Array.from({ length: n - 1 }, () => '1'), last];
const firstLine = (file: string) => readFileSync(S(file), 'utf8').split('\n')[0].split(';').map((h) => h.replace(/^"|"$/g, ''));

describe('header binding (LAYOUTS), présidentielle 2022 subcom', () => {
  it('counts candidate blocks from the data rows, the header naming only the first', () => {
    const t1 = readLayout(SUBCOM, row(103));
    expect(t1.spec.numbering).toBe('repeated');
    expect(t1.blocks).toHaveLength(12);
    expect(t1.blocks[0].columns).toMatchObject({ panneau: 19, nom: 21, voix: 23 });
    expect(t1.blocks[11].columns.voix).toBe(19 + 11 * 7 + 4);
    expect(t1.columnNames[19 + 11 * 7 + 4]).toBe('Voix (bloc 12)');
    expect(readLayout(SUBCOM, row(33)).blocks).toHaveLength(2);
  });

  it('finds blocks by the N°Panneau name, not a constant (2017 re-export without Etat saisie)', () => {
    const header = SUBCOM.filter((h) => h !== 'Etat saisie');
    const layout = readLayout(header, row(18 + 11 * 7));
    expect(layout.blocks).toHaveLength(11);
    expect(layout.blocks[0].columns.panneau).toBe(18);
    expect(layout.fixed.inscrits).toBe(4);
  });

  it('tolerates one empty trailing field (rows ending with a separator)', () => {
    const layout = readLayout(SUBCOM, row(104, ''));
    expect(layout.blocks).toHaveLength(12);
    expect(layout.columnCount).toBe(104);
  });

  it('rejects rows that are not a whole number of blocks, and unknown columns', () => {
    expect(() => readLayout(SUBCOM, row(104, 'x'))).toThrow(HeaderDrift);
    expect(() => readLayout(SUBCOM.map((h) => (h === 'Abstentions' ? 'Abstention' : h)), row(103))).toThrow(/Abstention/);
    expect(() => readLayout(SUBCOM.filter((h) => h !== 'Votants'), row(102))).toThrow(/Votants/);
  });
});

describe('header binding (LAYOUTS), 2024 wide files', () => {
  it('reads the 38 lists × 8 columns of the européennes', () => {
    const layout = readLayout(firstLine('elections-euro-2024/resultats-definitifs-par-commune.csv'), undefined);
    expect(layout).toMatchObject({ spec: { numbering: 'numbered' }, columnCount: 18 + 38 * 8 });
    expect(isCommuneFile(layout)).toBe(true);
    expect(layout.blocks).toHaveLength(38);
    expect(Object.keys(layout.blocks[37].columns).sort()).toEqual(['liste', 'listeAbregee', 'nuance', 'panneau', 'pctExprimes', 'pctInscrits', 'sieges', 'voix']);
  });

  it('reads the 9 columns per candidate of the législatives, and recognises the per-circonscription file', () => {
    const communes = readLayout(firstLine('elections-legi-2024-t2/resultats-definitifs-par-commune.csv'), undefined);
    expect(communes.blocks).toHaveLength(4);
    expect(Object.keys(communes.blocks[0].columns)).toHaveLength(9);
    expect(communes.blocks[0].columns.elu).toBe(18 + 8);
    const circos = readLayout(firstLine('elections-legi-2024-t2/resultats-definitifs-par-circonscription.csv'), undefined);
    expect(isCommuneFile(circos)).toBe(false);
    expect(circos.fixed.circo).toBe(2);
  });

  it('accepts a bureau-de-vote column, and refuses drift', () => {
    const header = firstLine('elections-legi-2024-t2/resultats-definitifs-par-commune.csv');
    const withBureau = [...header.slice(0, 4), 'Code BV', ...header.slice(4)];
    expect(readLayout(withBureau, undefined).fixed.bureau).toBe(4);
    expect(() => readLayout([...header, 'Voix 5'], undefined)).toThrow(/bloc 5|mêmes colonnes/);
    expect(() => readLayout(header.map((h) => (h === 'Voix 2' ? 'Votes 2' : h)), undefined)).toThrow(/Votes 2/);
    expect(() => readLayout(header, row(header.length + 3))).toThrow(HeaderDrift);
  });
});
