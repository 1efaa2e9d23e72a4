/**
 * National-size INSEE comparateur ingested into PGlite (the embedded default),
 * against DuckDB's bare read of the same file in the same run.
 *
 *   npx tsx bench/insee-comparateur-ingest.ts
 *
 * 1. Generates the national-size file once (insee-comparateur-generate.ts: the real
 *    layout, one real row per commune of the COG) and a PGlite data directory holding
 *    only the COG (`dotation ingest cog --sample`), both cached in bench/out/.
 * 2. Each measure runs in its own process under /usr/bin/time, so that the peak RSS is its own:
 *    - the floor: DuckDB `count(*)` over the CSV with the reader options of the pipeline;
 *    - `dotation ingest statistiques-insee --input …` into a fresh copy of that directory
 *      (stage, checks, re-keying, projection, COPY into PGlite, publication).
 *    Prints wall time, CPU time (user + system of the process, DuckDB's threads included), peak RSS,
 *    the ratios to the floor, and the load average (the machine may be shared: compare ratios of one run).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateNationalComparateur } from './insee-comparateur-generate.js';

const root = join(import.meta.dirname, '..');
const out = join(root, 'bench/out/insee-comparateur');
const data = join(out, 'base_cc_comparateur.CSV');
const meta = join(out, 'meta_base_cc_comparateur.CSV');
const template = join(root, 'bench/out/insee-pglite-cog');
if (!existsSync(data)) console.log(`fichier national : ${generateNationalComparateur(out).rows} lignes`);

function timed(label: string, args: string[], env: NodeJS.ProcessEnv = {}): { seconds: number; cpu: number; rssMb: number } {
  const started = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${label} : échec (${r.status})\n${r.stderr}`);
  const [rssKb, user, system] = r.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { seconds: (Date.now() - started) / 1000, cpu: user + system, rssMb: Math.round(rssKb / 1024) };
}

if (!existsSync(template)) timed('COG', [process.execPath, '--import', 'tsx', 'src/cli.ts', 'ingest', 'cog', '--sample'], { DATA_DIR: template, LOG_LEVEL: 'silent' });

const floorScript = `
  import { DuckDBInstance } from '@duckdb/node-api';
  const db = await (await DuckDBInstance.create(':memory:')).connect();
  const r = await db.runAndReadAll("SELECT count(*) FROM read_csv('${data}', delim=';', header=true, all_varchar=true)");
  console.log(r.getRowsJS()[0][0]);`;
const floor = timed('DuckDB', [process.execPath, '--input-type=module', '-e', floorScript]);

const dir = mkdtempSync(join(tmpdir(), 'insee-ingest-'));
cpSync(template, dir, { recursive: true });
const ingest = timed('ingestion', [process.execPath, '--import', 'tsx', 'src/cli.ts', 'ingest', 'statistiques-insee',
  '--input', `statistiques-insee=${data}`, '--input', `statistiques-insee=${meta}`], { DATA_DIR: dir, LOG_LEVEL: 'silent' });
rmSync(dir, { recursive: true, force: true });

const row = (label: string, m: { seconds: number; cpu: number; rssMb: number }) =>
  console.log(label.padEnd(44), m.seconds.toFixed(1).padStart(8), m.cpu.toFixed(1).padStart(8), String(m.rssMb).padStart(11));
console.log(`charge moyenne (1, 5, 15 min) : ${loadavg().map((l) => l.toFixed(1)).join(', ')}`);
console.log('mesure'.padEnd(44), 'durée s'.padStart(8), 'CPU s'.padStart(8), 'RSS max Mo'.padStart(11));
row('DuckDB count(*) du CSV (plancher)', floor);
row('ingestion statistiques-insee dans PGlite', ingest);
console.log(`rapport au plancher : ${(ingest.seconds / floor.seconds).toFixed(1)}× en durée, ${(ingest.cpu / floor.cpu).toFixed(1)}× en CPU (objectif : ≤ 10 s, ≤ 600 Mo)`);
