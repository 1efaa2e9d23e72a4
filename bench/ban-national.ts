/**
 * National-scale BAN benchmark.
 *
 *   npx tsx bench/ban-national.ts [--rows 26000000] [--iris] [--regenerate] [--memory-limit 4GB]
 *
 * 1. Generates (once, cached in bench/out/) a BAN-shaped national file: `--rows`
 *    addresses over the real communes in proportion to population, one gzip
 *    member per département like `adresses-france.csv.gz`, written streaming.
 * 2. In a fresh child process (so that peak RSS is the ingestion's own):
 *    - the floor: DuckDB's bare `count(*)` over the same file, same reader options;
 *    - the ban pipeline as the framework runs it (header check, code map, GROUP BY,
 *      every address streamed as COPY text through `ctx.bulk.copyCsv`, projection),
 *      the COPY text going to a sink that counts its bytes instead of a database
 *      (what the database then does with it is the database's time, not the projection's);
 *    - with `--iris`, per-IRIS counts as well, against IRIS built for the generated
 *      points (iris-grid.ts; built before the clock starts);
 *    - checks that every commune's count equals what the generator wrote.
 *    Prints wall time, rows/s, peak RSS and the ratio to the floor.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { DepartementScope } from '../pipelines/framework/scope.js';
import { loadRegistry } from '../src/contract/registry.js';
import pipeline from '../pipelines/ban/source.js';
import { banReadCsv } from '../pipelines/framework/ban-csv.js';
import type { BanCommuneData } from '../pipelines/ban/project.js';
import { generateNationalBan } from './ban-generate.js';
import { gridIris } from './iris-grid.js';
import { parseRecord } from '../pipelines/framework/load.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '26000000' },
    regenerate: { type: 'boolean', default: false },
    phase: { type: 'string', default: 'all' },
    'memory-limit': { type: 'string', default: '4GB' },
    threads: { type: 'string', default: '2' },
    iris: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const root = join(import.meta.dirname, '..');
const out = join(root, 'bench/out', `adresses-france-${rows}.csv.gz`);
const countsFile = out.replace(/\.csv\.gz$/, '.counts.json');
const mb = (kb: number) => Math.round(kb / 1024);
const referential = () => new Referential(loadDecoupage());

async function generate(): Promise<void> {
  if (existsSync(out) && existsSync(countsFile) && !values.regenerate) {
    console.log(`fichier existant: ${out}`);
    return;
  }
  const started = Date.now();
  let last = 0;
  const result = await generateNationalBan(referential(), {
    rows, out,
    onProgress: (n) => {
      if (n - last >= 2_000_000) {
        last = n;
        console.log(`  génération: ${(n / 1e6).toFixed(0)} M lignes, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      }
    },
  });
  writeFileSync(countsFile, JSON.stringify(Object.fromEntries(result.perCommune)));
  console.log(`généré: ${result.rows} lignes, ${result.members} membres gzip, ${(result.bytes / 1e6).toFixed(0)} Mo, ${((Date.now() - started) / 1000).toFixed(1)} s → ${out}`);
}

async function ingest(): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: values['memory-limit']!, threads: values.threads!, preserve_insertion_order: 'false',
  });
  const duckdb = await instance.connect();

  let t = performance.now();
  const floorCpu = process.cpuUsage();
  const floorReader = await duckdb.runAndReadAll(`SELECT count(*) AS n FROM ${banReadCsv([out])}`);
  const floorSeconds = (performance.now() - t) / 1000;
  const floorCpuSeconds = (process.cpuUsage(floorCpu).user + process.cpuUsage(floorCpu).system) / 1e6;
  const floorRows = Number(floorReader.getRowObjectsJS()[0].n);
  const rssAfterFloor = process.resourceUsage().maxRSS;

  // Built once before the clock (boxes cached), then again inside it, as the pipeline reads the IRIS of the release and lets them go.
  const iris = values.iris ? await gridIris(duckdb, out).then(({ zones, split }) => ({ zones, split })) : undefined;
  const source = loadRegistry(join(root, 'data-sources.yaml')).find((s) => s.id === 'ban')!;
  const stats = { read: 0, projected: 0, rejected: 0 };
  const phases: [string, number][] = [];
  let phaseStart = performance.now();
  let currentPhase = 'en-tête, codes';
  const workDir = mkdtempSync(join(tmpdir(), 'ban-bench-'));
  let copyBytes = 0;
  t = performance.now();
  const cpuStart = process.cpuUsage();
  const output = await pipeline.run({
    source, files: [out], duckdb, referential: referential(), scope: new DepartementScope([]), workDir,
    dataset: async (id) => (id === 'iris-contours' && iris ? (await gridIris(duckdb, out)).records : undefined),
    report: {
      read: (n = 1) => { stats.read += n; },
      projected: (n = 1) => { stats.projected += n; },
      rejected: (_r, n = 1) => { stats.rejected += n; },
      note: () => {},
    },
    progress: {
      update(phase) {
        if (phase === currentPhase) return;
        phases.push([currentPhase, (performance.now() - phaseStart) / 1000]);
        currentPhase = phase;
        phaseStart = performance.now();
      },
    },
    bulk: {
      loadId: 1,
      copy: () => Promise.reject(new Error('ban copies csv text')),
      async copyCsv(_table, _columns, chunks) {
        for await (const chunk of chunks) copyBytes += chunk.length;
      },
    },
  });
  const records = [];
  for await (const r of output.communes) records.push(parseRecord(r));
  phases.push([currentPhase, (performance.now() - phaseStart) / 1000]);
  const seconds = (performance.now() - t) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const peak = process.resourceUsage().maxRSS;
  rmSync(workDir, { recursive: true, force: true });

  // Exactness against what the generator wrote.
  const expected = JSON.parse(readFileSync(countsFile, 'utf8')) as Record<string, number>;
  const byCode = new Map(records.map((r) => [r.code, r.data as unknown as BanCommuneData]));
  let mismatches = 0;
  for (const [code, n] of Object.entries(expected)) {
    const got = byCode.get(code)?.adresses;
    if (got !== n) mismatches++;
  }
  // Every address of a commune with IRIS is in one IRIS, outside them all, or without position.
  let irisAddresses = 0;
  let irisMismatches = 0;
  for (const d of byCode.values()) {
    // Paris, Lyon and Marseille repeat their arrondissements' IRIS.
    if (!d.iris || d.arrondissements) continue;
    const inZones = d.iris.zones.reduce((sum, z) => sum + z.adresses, 0);
    irisAddresses += inZones;
    if (inZones + d.iris.adressesHorsIris + d.iris.adressesNonLocalisees !== d.adresses) irisMismatches++;
  }

  console.log(JSON.stringify({
    fichier: out, lignes: floorRows, memoryLimit: values['memory-limit'], threads: values.threads,
    plancher: { countStarSeconds: +floorSeconds.toFixed(2), cpuSeconds: +floorCpuSeconds.toFixed(1), rowsPerSecond: Math.round(floorRows / floorSeconds) },
    pipeline: {
      seconds: +seconds.toFixed(2), rowsPerSecond: Math.round(stats.read / seconds), read: stats.read, projected: stats.projected,
      cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1), rejected: stats.rejected, copyBytes, communes: records.length, phases: Object.fromEntries(phases.map(([p, s]) => [p, +s.toFixed(2)])),
    },
    ratio: +(seconds / floorSeconds).toFixed(2),
    peakRssMb: mb(peak), rssAfterFloorMb: mb(rssAfterFloor),
    exactitude: { communesGenerees: Object.keys(expected).length, ecarts: mismatches },
    ...(iris ? { iris: { zones: iris.zones, communesDecoupees: iris.split, adressesDansUnIris: irisAddresses, ecarts: irisMismatches } } : {}),
  }, null, 2));
  duckdb.closeSync();
  instance.closeSync();
  if (mismatches || irisMismatches) process.exitCode = 1;
}

if (values.phase === 'ingest') {
  await ingest();
} else {
  await generate();
  if (values.phase !== 'generate') {
    // A fresh process, so that the peak RSS reported is the ingestion's alone.
    const args = [...process.execArgv, import.meta.filename, '--phase', 'ingest', '--rows', String(rows), ...(values.iris ? ['--iris'] : []),
      '--memory-limit', values['memory-limit']!, '--threads', values.threads!];
    const child = spawnSync(process.execPath, args, { stdio: 'inherit' });
    process.exitCode = child.status ?? 1;
  }
}
