/**
 * National-scale RNA (base Waldec) benchmark.
 *
 *   npx tsx bench/rna-national.ts [--rows 2000000] [--regenerate] [--list]
 *
 * 1. Generates (once, cached in bench/out/rna/) 101 per-département files in the
 *    producer's layout (39 columns, `;`, latin-1, LF): `--rows` associations over the
 *    real communes in proportion to population (arrondissements for Paris, Lyon,
 *    Marseille), positions A/D/S/R, some fields quoted, quotes inside unquoted
 *    titles (loose quoting), objets over two lines, accents in latin-1; creation years lean
 *    to recent decades and themes to a few common codes, as in a real register. No byte
 *    0x80–0x9F: DuckDB's own latin-1 reader, the floor, refuses them.
 * 2. In a fresh child process (peak RSS is the ingestion's own):
 *    - the floor: DuckDB's bare `count(*)` over the same files (latin-1, same options);
 *    - the associations-rna pipeline as the framework runs it (header check, encoding
 *      decided per file and converted, code map, counts, records streamed);
 *    - checks every commune's active count against what the generator wrote.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { DepartementScope } from '../pipelines/framework/scope.js';
import { loadRegistry } from '../src/contract/registry.js';
import pipeline from '../pipelines/associations-rna/source.js';
import { HEADER } from '../pipelines/associations-rna/project.js';
import { allocate, banUnits } from './ban-generate.js';
import { prng } from './prng.js';
import { parseRecord, serializeRecord } from '../pipelines/framework/load.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '2000000' },
    regenerate: { type: 'boolean', default: false },
    phase: { type: 'string', default: 'all' },
    list: { type: 'boolean', default: false },
  },
});
const rows = Number(values.rows);
const root = join(import.meta.dirname, '..');
const dir = join(root, 'bench/out', `rna-${rows}`);
const countsFile = join(dir, 'actives.json');
const mb = (kb: number) => Math.round(kb / 1024);
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
const referential = () => new Referential(loadDecoupage());

const WORDS = ['association', 'sportive', 'culturelle', 'des', 'amis', 'de', 'la', 'musique', 'théâtre', 'école', 'parents', 'élèves', 'comité',
  'fêtes', 'chasse', 'pêche', 'randonnée', 'club', 'aînés', 'solidarité', 'entraide', 'patrimoine', 'développement', 'loisirs', 'jeunesse', 'éducation'];

async function generate(): Promise<void> {
  if (existsSync(countsFile) && !values.regenerate) { console.log(`fichiers existants : ${dir}`); return; }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  const random = prng(20261127);
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  // The RNA's 101 files: métropole and the five DROM (no collectivité d'outre-mer).
  const units = banUnits(referential()).filter((u) => u.departement.length === 2 || ['971', '972', '973', '974', '976'].includes(u.departement));
  const counts = allocate(units, rows);
  const actives: Record<string, number> = {};
  let bytes = 0;
  let id = 0;
  const byDep = new Map<string, number[]>();
  units.forEach((u, i) => byDep.set(u.departement, [...(byDep.get(u.departement) ?? []), i]));
  for (const [dep, indexes] of byDep) {
    const out = createWriteStream(join(dir, `rna_waldec_20261101_dpt_${dep}.csv`));
    let buffer = HEADER.join(';') + '\n';
    for (const i of indexes) {
      const code = units[i].code;
      for (let k = 0; k < counts[i]; k++) {
        const r = random();
        const position = r < 0.72 ? 'A' : r < 0.95 ? 'D' : r < 0.99 ? 'S' : 'R';
        if (position === 'A') actives[code] = (actives[code] ?? 0) + 1;
        // Creations lean to recent decades, themes to a few common codes (about 250 in use, Zipf-like).
        const year = 2026 - Math.floor(125 * random() ** 2);
        const date = `${year}-${String(1 + Math.floor(random() * 12)).padStart(2, '0')}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
        const titre = random() < 0.03 ? `LES "${words(1).toUpperCase()}" ${words(2).toUpperCase()}` : words(4).toUpperCase();
        const objet = random() < 0.01 ? `"${words(12)};\n${words(10)}"` : random() < 0.2 ? `"${words(25)}"` : words(18);
        const rank = Math.floor(250 ** random());
        const theme = `0${String(1 + (rank % 40)).padStart(2, '0')}0${String(Math.floor(rank / 40) * 5).padStart(2, '0')}`;
        const fields = [`W${String(++id).padStart(9, '0')}`, '', '', '', `${dep}1P`, date, date, date, position === 'D' ? '2020-01-01' : '0001-01-01', 'D', 'S',
          titre, titre.slice(0, 30), objet, theme, '000000', '', String(1 + Math.floor(random() * 80)), '', 'RUE', words(2), '_', code, '00000', 'COMMUNE',
          '', '', '', '', '', '', '', 'FRANCE', 'PM', random() < 0.1 ? 'www.exemple.fr' : '', '0', '', position, `${date} 12:00:00`];
        buffer += fields.join(';') + '\n';
        if (buffer.length > 1 << 20) { bytes += buffer.length; if (!out.write(Buffer.from(buffer, 'latin1'))) await once(out, 'drain'); buffer = ''; }
      }
    }
    bytes += buffer.length;
    out.end(Buffer.from(buffer, 'latin1'));
    await once(out, 'finish');
  }
  writeFileSync(countsFile, JSON.stringify(actives));
  console.log(`généré : ${rows} lignes, ${byDep.size} fichiers, ${(bytes / 1e6).toFixed(0)} Mo, ${((Date.now() - started) / 1000).toFixed(1)} s → ${dir}`);
}

async function ingest(): Promise<void> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.csv')).sort().map((f) => join(dir, f));
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const duckdb = await instance.connect();
  let t = performance.now();
  const floorCpu = process.cpuUsage();
  const columns = `{${HEADER.map((h) => `'${h}': 'VARCHAR'`).join(', ')}}`;
  const floor = await duckdb.runAndReadAll(`SELECT count(*) AS n FROM read_csv([${files.map((f) => `'${f}'`).join(', ')}], header = true, auto_detect = false,
    delim = ';', quote = '"', escape = '"', strict_mode = false, encoding = 'latin-1', columns = ${columns})`);
  const floorSeconds = (performance.now() - t) / 1000;
  const floorCpuSeconds = cpuSeconds(process.cpuUsage(floorCpu));
  const floorRows = Number(floor.getRowObjectsJS()[0].n);
  const rssAfterFloor = process.resourceUsage().maxRSS;

  const source = loadRegistry(join(root, 'data-sources.yaml')).find((s) => s.id === (values.list ? 'associations-rna-liste' : 'associations-rna'))!;
  const stats = { read: 0, projected: 0, rejected: 0 };
  const workDir = mkdtempSync(join(tmpdir(), 'rna-bench-'));
  // The COG is the framework's, built before the source runs: not on the source's clock.
  const cog = referential();
  const phases: [string, number][] = [];
  let phase = 'encodage des fichiers';
  let phaseStart = performance.now();
  t = performance.now();
  const cpuStart = process.cpuUsage();
  const output = await pipeline.run({
    source, files, duckdb, referential: cog, scope: new DepartementScope([]), workDir, dataset: async () => undefined,
    report: { read: (n = 1) => { stats.read += n; }, projected: (n = 1) => { stats.projected += n; }, rejected: (_r, n = 1) => { stats.rejected += n; }, note: () => {} },
    progress: {
      update(next) {
        if (next === phase) return;
        phases.push([phase, (performance.now() - phaseStart) / 1000]);
        phase = next;
        phaseStart = performance.now();
      },
    },
    bulk: { loadId: 1, copy: () => Promise.reject(new Error('pas de table de masse')), copyCsv: () => Promise.reject(new Error('pas de table de masse')) },
  });
  phases.push([`${phase} et agrégats`, (performance.now() - phaseStart) / 1000]);
  phase = 'enregistrements'; phaseStart = performance.now();
  const actives = new Map<string, number>();
  let communes = 0;
  let jsonBytes = 0;
  // The check of each commune's count against the generator's (parsing the record) is the bench's, not the
  // ingestion's (load.ts passes the texts to COPY as they are): its time is measured and taken out.
  let check = 0;
  let checkCpu = 0;
  for await (const raw of output.communes) {
    communes++;
    jsonBytes += serializeRecord(raw).rows?.length ?? 2;
    const start = performance.now();
    const cpu = process.cpuUsage();
    const r = parseRecord(raw);
    actives.set(r.code, values.list ? r.rows!.length : (r.data.actives as number));
    check += performance.now() - start;
    checkCpu += cpuSeconds(process.cpuUsage(cpu));
  }
  phases.push([phase, (performance.now() - phaseStart - check) / 1000]);
  const seconds = (performance.now() - t - check) / 1000;
  const pipelineCpuSeconds = cpuSeconds(process.cpuUsage(cpuStart)) - checkCpu;
  const peak = process.resourceUsage().maxRSS;
  rmSync(workDir, { recursive: true, force: true });

  const expected = JSON.parse(readFileSync(countsFile, 'utf8')) as Record<string, number>;
  let mismatches = 0;
  for (const [code, n] of Object.entries(expected)) if ((actives.get(code) ?? 0) !== n) mismatches++;
  console.log(JSON.stringify({
    source: source.id, fichiers: files.length, lignes: floorRows,
    plancher: { countStarSeconds: +floorSeconds.toFixed(2), cpuSeconds: +floorCpuSeconds.toFixed(1), rowsPerSecond: Math.round(floorRows / floorSeconds) },
    verificationSeconds: +(check / 1000).toFixed(2),
    pipeline: { seconds: +seconds.toFixed(2), cpuSeconds: +pipelineCpuSeconds.toFixed(1), rowsPerSecond: Math.round(stats.read / seconds), ...stats, communes, jsonBytes, phases: Object.fromEntries(phases.map(([p, s]) => [p, +s.toFixed(2)])) },
    ratio: +(seconds / floorSeconds).toFixed(2),
    // The machine is shared: CPU seconds compare the work when wall times are stretched by other jobs.
    ratioCpu: +(pipelineCpuSeconds / floorCpuSeconds).toFixed(2),
    peakRssMb: mb(peak), rssAfterFloorMb: mb(rssAfterFloor),
    exactitude: { communesGenerees: Object.keys(expected).length, ecarts: mismatches },
  }, null, 2));
  duckdb.closeSync();
  instance.closeSync();
  if (mismatches) process.exitCode = 1;
}

if (values.phase === 'ingest') {
  await ingest();
} else {
  await generate();
  if (values.phase !== 'generate') {
    const args = [...process.execArgv, import.meta.filename, '--phase', 'ingest', '--rows', String(rows), ...(values.list ? ['--list'] : [])];
    process.exitCode = spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
  }
}
