import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';
import pipeline from './source.js';
import { FULL_COVERAGE, HEADER, PARTIAL_COVERAGE } from './project.js';

const SAMPLE = join(import.meta.dirname, '../../samples/associations-rna/rna_waldec_extrait_dpt_976.csv');
const counts = registryEntry('associations-rna');
const liste = registryEntry('associations-rna-liste');

/** The sample read independently: latin-1 bytes decoded, `;` split (no field of these rows is quoted). */
const text = readFileSync(SAMPLE).toString('latin1');
const plain = text.trim().split('\n').slice(1).map((l) => Object.fromEntries(l.split(';').map((v, i) => [HEADER[i], v])));
const lines = text.trim().split('\n');

const dir = mkdtempSync(join(tmpdir(), 'rna-'));
const write = (name: string, content: string | Buffer) => { const p = join(dir, name); writeFileSync(p, content); return p; };
/** Sample rows with another commune code (and id), in the real layout. */
const moved = (code: string, suffix: string) => lines.slice(1).map((l) => l.replace(/;9761\d;976\d0;/, (m) => m.replace(/9761\d/, code)).replace(/^W9T(\d+)/, `W9T$1${suffix}`));

describe('associations-rna on the real Waldec rows (latin-1)', async () => {
  const run = await runPipeline(pipeline, { source: counts, files: [SAMPLE] });
  const record = (code: string) => run.records.find((r) => r.code === code)!;

  it('counts active associations, creations per year and themes per commune as the file has them', () => {
    for (const code of ['97611', '97612', '97614']) {
      const mine = plain.filter((r) => r.adrs_codeinsee === code);
      const active = mine.filter((r) => r.position === 'A');
      const years: Record<string, number> = {};
      for (const r of mine.filter((x) => x.position !== 'S')) years[r.date_creat.slice(0, 4)] = (years[r.date_creat.slice(0, 4)] ?? 0) + 1;
      const themes: Record<string, number> = {};
      for (const r of active) themes[r.objet_social1] = (themes[r.objet_social1] ?? 0) + 1;
      expect(record(code).data).toMatchObject({ actives: active.length, creationsParAnnee: years, activesParTheme: themes, couverture: FULL_COVERAGE });
    }
    expect(record('97611').data.actives).toBe(1);
    expect(record('97614').data).toMatchObject({ actives: 0, creationsParAnnee: { 1992: 1 } });
  });

  it('says the file was latin-1 and accounts for every row', () => {
    expect(run.notes.get('fichiers')).toBe('1 en latin-1');
    expect(run.read).toBe(plain.length);
    expect(run.projected).toBe(plain.length);
    expect(run.output.fields!.find((f) => f.name === 'associations')).toMatchObject({ aggregation: 'sum' });
  });

  it('lists active associations with their accents decoded', async () => {
    const list = await runPipeline(pipeline, { source: liste, files: [SAMPLE] });
    const rows = list.records.find((r) => r.code === '97611')!.rows!;
    const expected = plain.find((r) => r.adrs_codeinsee === '97611' && r.position === 'A')!;
    expect(rows).toEqual([{ id: expected.id, titre: expected.titre, objet: expected.objet, dateCreation: expected.date_creat, siteWeb: null, theme: expected.objet_social1, codeCommuneRna: '97611' }]);
    expect(rows[0].objet).toContain('sécurisé');
    expect(list.records.find((r) => r.code === '97614')).toBeUndefined();
  });
});

describe('associations-rna: encodings, codes and coverage', () => {
  it('reads the same rows from a UTF-8 file, and stops on a file mixing encodings, naming the line', async () => {
    const utf8 = write('dpt_976_utf8.csv', text);
    const run = await runPipeline(pipeline, { source: counts, files: [utf8] });
    expect(run.notes.get('fichiers')).toBe('1 en utf-8');
    expect(run.records.find((r) => r.code === '97611')!.data.actives).toBe(1);
    const mixed = write('dpt_976_mixed.csv', Buffer.concat([Buffer.from(lines.slice(0, 3).join('\n') + '\n', 'utf8'), Buffer.from(lines.slice(3).join('\n') + '\n', 'latin1')]));
    await expect(runPipeline(pipeline, { source: counts, files: [mixed] })).rejects.toMatchObject({ file: mixed, line: 4, message: expect.stringContaining('encodage indécidable') });
  });

  it('keeps arrondissements, rolls them up into Paris, re-keys a pre-merger code and marks Alsace-Moselle partial', async () => {
    const body = [...moved('75101', '1'), ...moved('75102', '2'), ...moved('14074', '3'), ...moved('57463', '4'), 'W9T9;;;;9T1P;2001-01-01;;;;D;S;LES "AMIS" DU QUAI;;objet;001000;000000;;;;;;;75102;75002;Paris;;;;;;;;;;;0;;A;2001-01-01 00:00:00'];
    const file = write('dpt_mix.csv', [lines[0], ...body].join('\n') + '\n');
    const run = await runPipeline(pipeline, { source: counts, files: [file] });
    const data = (code: string) => run.records.find((r) => r.code === code)?.data;
    expect(data('75101')).toMatchObject({ actives: 2 });
    expect(data('75102')).toMatchObject({ actives: 3, activesParTheme: { '001000': 1, '004020': 1, '024026': 1 } });
    expect(data('75056')).toMatchObject({ actives: 5, codesSommes: ['75101', '75102'] });
    expect(data('14005')).toMatchObject({ actives: 2, codesSommes: ['14074'] });
    expect(data('57463')).toMatchObject({ actives: 2, couverture: PARTIAL_COVERAGE, partiel: true });
    expect(run.records.find((r) => r.code === '57463')!.rows!.every((r) => r.couverture === PARTIAL_COVERAGE)).toBe(true);
    expect(run.notes.get('lignesRecodees')).toBe(4);
    const list = await runPipeline(pipeline, { source: liste, files: [file] });
    expect(list.records.find((r) => r.code === '75102')!.rows!.map((r) => r.titre)).toContain('LES "AMIS" DU QUAI');
  });

  it('sets aside unknown codes with their reason', async () => {
    const file = write('dpt_unknown.csv', [lines[0], ...moved('97699', '5')].join('\n') + '\n');
    const run = await runPipeline(pipeline, { source: counts, files: [file] });
    expect(run.records).toHaveLength(0);
    expect(run.rejected.get('code commune inconnu du COG')).toBe(4);
  });
});

describe('associations-rna refuses a drifted file, naming file, line and column', () => {
  it('a renamed column', async () => {
    const file = write('renamed.csv', text.replace('adrs_codeinsee', 'code_insee'));
    await expect(runPipeline(pipeline, { source: counts, files: [file] })).rejects.toMatchObject({ line: 1, column: 23 });
  });

  it('an unknown position', async () => {
    const file = write('position.csv', [lines[0], lines[1], lines[2].replace(/;D;2024-05-21/, ';X;2024-05-21'), ...lines.slice(3)].join('\n'));
    await expect(runPipeline(pipeline, { source: counts, files: [file] })).rejects.toMatchObject({ file, line: 3, column: 'position' });
  });

  it('a row cut short', async () => {
    const file = write('short.csv', [lines[0], lines[1], lines[2].split(';').slice(0, 20).join(';'), lines[3]].join('\n'));
    await expect(runPipeline(pipeline, { source: counts, files: [file] })).rejects.toMatchObject({ file, line: 3 });
  });
});
