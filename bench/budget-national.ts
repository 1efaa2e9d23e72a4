/**
 * National-scale OFGL budget benchmark.
 *
 *   npx tsx bench/budget-national.ts [--rows 13600000] [--regenerate] [--memory-limit 4GB] [--threads 2]
 *
 * 1. Generates once (bench/out/) a budget file of `--rows` lines in the real layout (budget-generate.ts).
 * 2. The floor: DuckDB's bare count(*) over the same file with the pipeline's reader options (every column text).
 * 3. The budget-ofgl pipeline as the framework runs it (header binding, code map, one checked typed read, the
 *    records' text written by DuckDB and read back in commune order), each record handed over as the loader does
 *    (serializeRecord), not stored.
 * Prints wall and CPU time (the whole process: Node and DuckDB's threads), rows/s, both ratios to the floor, the
 * same per step, peak RSS and load average; checks every commune's rows against the generator's.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { DepartementScope } from '../pipelines/framework/scope.js';
import { loadRegistry } from '../src/contract/registry.js';
import { readDeclaredCsvSql } from '../pipelines/framework/declared-csv.js';
import { readHeader } from '../pipelines/framework/csv-header.js';
import pipeline from '../pipelines/budget-ofgl/source.js';
import { generateNationalBudget } from './budget-generate.js';
import { parseRecord, serializeRecord } from '../pipelines/framework/load.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '13600000' },
    regenerate: { type: 'boolean', default: false },
    'memory-limit': { type: 'string', default: '4GB' },
    threads: { type: 'string', default: '2' },
  },
});
const rows = Number(values.rows);
const root = join(import.meta.dirname, '..');
mkdirSync(join(root, 'bench/out'), { recursive: true });
const out = join(root, 'bench/out', `ofgl-base-communes-consolidee-${rows}.csv`);
const countsFile = out.replace(/\.csv$/, '.counts.json');
const referential = new Referential(loadDecoupage());
const seconds = (t: number) => (performance.now() - t) / 1000;
/** CPU seconds of the whole process (Node and DuckDB's threads) since `c`. */
const cpuSeconds = (c: NodeJS.CpuUsage) => { const d = process.cpuUsage(c); return (d.user + d.system) / 1e6; };

if (!existsSync(out) || !existsSync(countsFile) || values.regenerate) {
  const t = performance.now();
  const result = await generateNationalBudget(referential, { rows, out });
  writeFileSync(countsFile, JSON.stringify(Object.fromEntries(result.perCommune)));
  console.log(`généré: ${result.rows} lignes, ${result.communes} communes, ${seconds(t).toFixed(1)} s → ${out}`);
}
const expected = new Map(Object.entries(JSON.parse(readFileSync(countsFile, 'utf8')) as Record<string, number>));

const tmp = mkdtempSync(join(tmpdir(), 'budget-bench-'));
const instance = await DuckDBInstance.create(':memory:', {
  memory_limit: values['memory-limit']!, threads: values.threads!, preserve_insertion_order: 'false', temp_directory: join(tmp, 'spill'),
});
const duckdb = await instance.connect();

let t = performance.now();
let cpu = process.cpuUsage();
const names = await readHeader(out, ';');
const reader = readDeclaredCsvSql([out], names.map((_, i) => [`c${i}`, 'VARCHAR'] as const)).replace('header = true', 'header = false, skip = 1');
const floorRows = Number((await duckdb.runAndReadAll(`SELECT count(*) AS n FROM ${reader}`)).getRowObjectsJS()[0].n);
const floor = seconds(t);
const floorCpu = cpuSeconds(cpu);
console.log(`plancher count(*): ${floorRows} lignes en ${floor.toFixed(1)} s (CPU ${floorCpu.toFixed(1)} s)`);

const source = loadRegistry(join(root, 'data-sources.yaml')).find((s) => s.id === 'budget-ofgl')!;
const stats = { read: 0, projected: 0, rejected: 0 };
t = performance.now();
cpu = process.cpuUsage();
const output = await pipeline.run({
  source, files: [out], duckdb, referential, scope: new DepartementScope([], referential), workDir: tmp,
  dataset: async () => undefined,
  report: { read: (n = 1) => { stats.read += n; }, projected: (n = 1) => { stats.projected += n; }, rejected: (_r, n = 1) => { stats.rejected += n; }, note: () => {} },
  progress: { update() {} },
  bulk: { loadId: 1, copy: () => Promise.reject(new Error('no bulk')), copyCsv: () => Promise.reject(new Error('no bulk')) },
});
const prepared = seconds(t);
const preparedCpu = cpuSeconds(cpu);
let communes = 0;
let bytes = 0;
let mismatches = 0;
let checking = 0; // the bench's own check (parsing each record back), left out of the pipeline's time
let checkingCpu = 0;
for await (const raw of output.communes) {
  communes++;
  const json = serializeRecord(raw);
  bytes += json.data.length + (json.rows?.length ?? 0);
  const c = performance.now();
  const cc = process.cpuUsage();
  const record = parseRecord(raw);
  if (record.rows!.length !== expected.get(record.code)) mismatches++;
  checking += (performance.now() - c) / 1000;
  checkingCpu += cpuSeconds(cc);
}
const total = seconds(t) - checking;
const totalCpu = cpuSeconds(cpu) - checkingCpu;
rmSync(tmp, { recursive: true, force: true });
const rss = process.resourceUsage().maxRSS / 1024;
console.log(`budget-ofgl: lues ${stats.read}, projetées ${stats.projected}, écartées ${stats.rejected}; ${communes} communes (${mismatches} écarts au générateur), JSON ${(bytes / 1e9).toFixed(2)} Go`);
console.log(`temps: lecture, contrôles et tables de codes ${prepared.toFixed(1)} s, total ${total.toFixed(1)} s (vérification du banc exclue : ${checking.toFixed(1)} s), ${Math.round(stats.read / total)} lignes/s`);
console.log(`CPU (processus, fils DuckDB compris) : ${totalCpu.toFixed(1)} s`);
const step = (label: string, wall: number, cpuS: number) => `${label} ${wall.toFixed(1)} s (${(wall / floor).toFixed(2)}×), CPU ${cpuS.toFixed(1)} s (${(cpuS / floorCpu).toFixed(2)}×)`;
console.log(`étapes (temps écoulé et CPU, rapport au plancher) : ${[
  step('lecture, contrôles, recodage', prepared, preparedCpu),
  step('enregistrements (texte écrit et trié par DuckDB, relu par Node)', total - prepared, totalCpu - preparedCpu),
].join(' ; ')}`);
console.log(`rapport au plancher count(*): ${(total / floor).toFixed(2)}× en temps écoulé, ${(totalCpu / floorCpu).toFixed(2)}× en CPU; RSS max ${Math.round(rss)} Mo; charge ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (stats.read !== floorRows || mismatches || communes !== expected.size) process.exitCode = 1;
