import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pipeline from './source.js';
import { quarterOf } from './project.js';
import { SourceError } from '../framework/errors.js';
import { registryEntry, runPipeline } from '../../tests/helpers/run-pipeline.js';

// The registry's sample is the test data (see samples/arcep-sites/README.md).
const samples = join(import.meta.dirname, '../../samples/arcep-sites');
const METRO = join(samples, 'sites-metropole-extrait.csv');
const DOM = join(samples, 'sites-outremer-extrait.csv');
const source = registryEntry('arcep-sites');
const tmp = mkdtempSync(join(tmpdir(), 'arcep-sites-'));
type Op = { codeOperateur: string; sites: number; sites2g: number; sites3g: number; sites4g: number; sites5g: number; sites5g3500: number };

describe('arcep-sites', () => {
  it('has a registry entry with both files and its sample', () => {
    expect(source.urls).toHaveLength(2);
    for (const p of source.echantillon) expect(existsSync(join(import.meta.dirname, '../..', p))).toBe(true);
    expect(quarterOf(source.urls)).toBe('2026_T1');
  });

  it('counts sites per commune and operator by technology, and the summary adds up', async () => {
    const run = await runPipeline(pipeline, { source, files: [METRO, DOM] });
    expect(run.read).toBe(11);
    expect(run.read).toBeGreaterThanOrEqual(source.lignesEchantillon.min);
    expect(run.rejected.get('code commune inconnu du COG 2026')).toBe(1);
    expect(run.projected).toBe(10);
    const algans = run.records.find((r) => r.code === '81006')!;
    const ops = algans.data.operateurs as Op[];
    expect(ops.map((o) => o.codeOperateur)).toEqual(['20801', '20810', '20815', '20820']);
    // The real line: Orange, 3G and 4G, no 2G, no 5G.
    expect(ops[0]).toMatchObject({ sites: 1, sites2g: 0, sites3g: 1, sites4g: 1, sites5g: 0 });
    expect(algans.data.totalSitesOperateurs).toMatchObject({ sites: 4, sites2g: 2, sites3g: 4, sites4g: 4, sites5g: 2, sites5g3500: 1 });
    expect(algans.rows).toHaveLength(4);
    expect(run.output.millesime).toBe(undefined);
  });

  it('normalises codes, rolls Paris up and reads the overseas file', async () => {
    const run = await runPipeline(pipeline, { source, files: [METRO, DOM] });
    const codes = run.records.map((r) => r.code);
    expect(codes).toContain('05006');
    expect(codes).toContain('2A004');
    const paris = run.records.find((r) => r.code === '75056')!;
    expect(paris.data.arrondissements).toEqual(['75106', '75107']);
    expect(paris.data.totalSitesOperateurs).toMatchObject({ sites: 2, sites5g: 2 });
    expect((run.records.find((r) => r.code === '75106')!.data.operateurs as Op[])[0].sites).toBe(1);
    expect((run.records.find((r) => r.code === '97411')!.data.operateurs as Op[]).map((o) => o.codeOperateur)).toEqual(['64700', '64710']);
  });

  it('takes the quarter from the file name and filters --departement', async () => {
    const named = join(tmp, '2026_T1_sites_Metropole.csv');
    writeFileSync(named, readFileSync(METRO));
    const run = await runPipeline(pipeline, { source, files: [named], departements: ['81'] });
    expect(run.output.millesime).toBe('2026_T1');
    expect(run.read).toBe(5);
    expect(run.records.map((r) => r.code)).toEqual(['81006']);
  });

  it('stops on header drift and on a flag that is not a number, naming line and column', async () => {
    const lines = readFileSync(METRO, 'utf8').split('\n');
    const drift = join(tmp, 'drift.csv');
    writeFileSync(drift, [lines[0].replace('site_4g', 'site_lte'), ...lines.slice(1)].join('\n'));
    const e1 = await runPipeline(pipeline, { source, files: [drift] }).catch((e) => e);
    expect(e1).toBeInstanceOf(SourceError);
    expect(e1.column).toBe(17);
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, [lines[0], lines[1], lines[2].replace(';Algans;81006;1;', ';Algans;81006;oui;'), ...lines.slice(3)].join('\n'));
    const e2 = await runPipeline(pipeline, { source, files: [bad] }).catch((e) => e);
    expect(e2).toBeInstanceOf(SourceError);
    expect(e2.line).toBe(3);
    expect(e2.column).toBe('site_2g');
  });
});
