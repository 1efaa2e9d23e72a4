/**
 * Soak: 50 connections for 10 minutes on a mix of routes against the real app
 * on PostgreSQL, in a child process whose RSS is sampled every 5 s. Each
 * route family gets its own share of the 50 connections (its own autocannon),
 * so that p99 is per route. Holds when: 0 errors, 0 non-2xx, RSS growth
 * between minute 2 and the end < 10 %.
 *   DATABASE_URL=postgres://…/db npx tsx bench/soak.ts [seconds=600]
 * The server logs its memory breakdown (bench/memory-log.ts) and the soak
 * prints it per minute. SOAK_HEAP_SNAPSHOTS=<dir>: the server writes a heap
 * snapshot there at minute 2 and at the end, to compare by constructor.
 * Paths come from the release itself (communes of the referential; CSV and
 * GeoJSON links that the dotations list), so every request should be a 200.
 */
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { prng } from './prng.js';
import { startServer, stopServer } from './http-bench.js';

const seconds = Number(process.argv[2] ?? 600);
const port = 3917;
if (!process.env.DATABASE_URL) throw new Error('DATABASE_URL : le soak se mesure sur PostgreSQL');
const random = prng(13);
const pick = <T>(list: T[]): T => list[Math.floor(random() * list.length)];


function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

const memoryLog = join(tmpdir(), `soak-memory-${process.pid}.jsonl`);
const snapshots = process.env.SOAK_HEAP_SNAPSHOTS;
const child = await startServer('app', port, {
  RELEASE_CHECK_MS: '1000', BENCH_MEMORY_LOG: memoryLog,
  ...(snapshots ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshots}` } : {}),
});
const serverReady = Date.now();
const base = `http://127.0.0.1:${port}`;
// The release's own current communes: every code answers 200 (no redirect of a former one).
async function fetchJson<T>(path: string): Promise<T> {
  // Setup only, before the measure: a reset on a loaded machine is retried.
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(`${base}${path}`, { headers: { 'accept-encoding': 'identity' } })).json() as T;
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
}
const communes = await fetchJson<{ code: string; codeDepartement: string; codesPostaux: string[] }[]>('/communes?limit=50000');
const codes = communes.map((c) => c.code);

// CSV and GeoJSON links as the dotations of a few hundred random communes list them.
const csv: string[] = [];
const geojson: string[] = [];
for (let i = 0; i < 300 && (csv.length < 200 || geojson.length < 100); i++) {
  const dotation = await fetchJson<{ datasets: { liens: { csv?: string; geojson?: string } | null }[] }>(`/commune/${pick(codes)}/dotation`);
  for (const d of dotation.datasets) {
    if (d.liens?.csv) csv.push(d.liens.csv);
    if (d.liens?.geojson) geojson.push(d.liens.geojson);
  }
}
for (const c of communes.slice(0, 500)) geojson.push(`/commune/${c.code}?format=geojson&geometry=contour`);
const names = ['saint', 'sainte marie', 'évry', 'rennes', 'lyon', 'marseille', 'bourg', 'la chapelle', 'villeneuve', 'montagne'];
const search = [
  ...names.map((n) => `/communes?nom=${encodeURIComponent(n)}`),
  ...[...new Set(communes.map((c) => c.codeDepartement))].map((d) => `/communes?codeDepartement=${d}`),
  ...communes.slice(0, 2000).flatMap((c) => c.codesPostaux.slice(0, 1).map((cp) => `/communes?codePostal=${cp}`)),
  '/communes?lat=48.1113&lon=-1.68', '/communes?lat=44.796895&lon=6.927488', '/communes?lat=43.2965&lon=5.3698',
];

const routes: { name: string; connections: number; paths: () => string }[] = [
  { name: 'commune', connections: 10, paths: () => `/commune/${pick(codes)}` },
  { name: 'dotation', connections: 10, paths: () => `/commune/${pick(codes)}/dotation` },
  { name: 'csv', connections: 8, paths: () => pick(csv) },
  { name: 'geojson', connections: 8, paths: () => pick(geojson) },
  { name: 'zip', connections: 6, paths: () => `/commune/${pick(codes)}/dotation.zip` },
  { name: 'recherche', connections: 8, paths: () => pick(search) },
];
console.log(`soak : ${seconds} s, ${routes.reduce((n, r) => n + r.connections, 0)} connexions, ${codes.length} communes, ${csv.length} CSV, ${geojson.length} GeoJSON, ${search.length} recherches, PostgreSQL`);

const samples: { t: number; rss: number }[] = [];
const started = Date.now();
const sampler = setInterval(() => samples.push({ t: (Date.now() - started) / 1000, rss: rssMb(child.pid!) }), 5000);
const snapshotAt = snapshots ? setTimeout(() => child.kill('SIGUSR2'), Math.min(120, seconds / 5) * 1000) : undefined;
const results = await Promise.all(routes.map((r) => autocannon({
  // 60 s before a request counts as an error: on a shared machine a stall is slowness, a reset or a 5xx is an error.
  url: base, connections: r.connections, duration: seconds, timeout: 60,
  requests: [{ setupRequest: (req) => ({ ...req, path: r.paths() }) }],
})));
clearInterval(sampler);
clearTimeout(snapshotAt);
if (snapshots) {
  child.kill('SIGUSR2');
  // The snapshot blocks the child; it is written when the child answers again.
  for (let i = 0; i < 300 && !(await fetch(`${base}/health`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 1000));
}
await stopServer(child);
const memory = readFileSync(memoryLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, number>);
rmSync(memoryLog);

console.log('route'.padEnd(12), 'requêtes'.padStart(9), 'req/s'.padStart(7), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), 'erreurs'.padStart(8), 'non-2xx'.padStart(8));
let errors = 0;
for (const [i, r] of routes.entries()) {
  const f = results[i];
  errors += f.errors + f.timeouts + f.non2xx;
  console.log(r.name.padEnd(12), String(f.requests.total).padStart(9), f.requests.average.toFixed(0).padStart(7), String(f.latency.p50).padStart(7), String(f.latency.p99).padStart(7), String(f.errors + f.timeouts).padStart(8), String(f.non2xx).padStart(8));
}
const at = (t: number) => samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), samples[0]);
const from = at(Math.min(120, seconds / 5));
const to = samples[samples.length - 1];
const growth = (to.rss - from.rss) / from.rss;
console.log(`RSS : ${from.rss.toFixed(0)} Mo à ${from.t.toFixed(0)} s, ${to.rss.toFixed(0)} Mo à ${to.t.toFixed(0)} s (${(growth * 100).toFixed(1)} %), pic ${Math.max(...samples.map((s) => s.rss)).toFixed(0)} Mo`);
console.log(`RSS par minute (Mo) : ${Array.from({ length: Math.floor(seconds / 60) }, (_, m) => at((m + 1) * 60).rss.toFixed(0)).join(' ')}`);
// V8 grows and shrinks its heap by tens of MB between collections: the mean of each minute's samples shows the trend under that noise.
const mean = (m: number) => { const inMinute = samples.filter((s) => s.t > m * 60 && s.t <= (m + 1) * 60); return inMinute.reduce((n, s) => n + s.rss, 0) / inMinute.length; };
console.log(`RSS moyen de chaque minute (Mo) : ${Array.from({ length: Math.floor(seconds / 60) }, (_, m) => mean(m).toFixed(0)).join(' ')}`);
// The server's clock starts when it is ready, before the setup requests; minute m is the soak's.
const offset = (started - serverReady) / 1000;
const figure = (t: number) => memory.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), memory[0]);
console.log('mémoire du serveur par minute (Mo) :');
const columns = Object.keys(memory[memory.length - 1]).filter((k) => k !== 't');
console.log('min'.padStart(4), ...columns.map((c) => c.padStart(12)));
for (let m = 1; m <= Math.floor(seconds / 60); m++) console.log(String(m).padStart(4), ...columns.map((c) => String(figure(m * 60 + offset)[c] ?? '').padStart(12)));
const ok = errors === 0 && growth < 0.1;
console.log(ok ? 'soak tenu : 0 erreur, croissance RSS < 10 %' : `soak NON tenu : ${errors} erreurs ou non-2xx, croissance RSS ${(growth * 100).toFixed(1)} %`);
process.exit(ok ? 0 : 1);
