/**
 * The lean `/commune/{code}/dotation` over random codes of every current
 * commune, 50 connections, against the bare Hono JSON route (a small body)
 * measured in the same run:
 *  - the default configuration, once the server has preloaded every commune's
 *    dotation (its time and memory are printed): codes drawn from 1 000 communes
 *    (hot), then from all communes — as autocannon asks (no Accept-Encoding: the
 *    identity body joined from its kept pieces), then as browsers and
 *    `curl --compressed` ask (Accept-Encoding: gzip: the kept bytes as they are);
 *  - the same with every request through Hono (without the app's hot paths), for comparison,
 *    both servers side by side and hammered in turn with the reference, best of `rounds` (see `alternate`);
 *  - cold: cache disabled (DOTATION_CACHE_SIZE=0), every request builds its
 *    dotation from the store — under 50 connections, and one at a time (the
 *    build latency itself).
 * Run with DATABASE_URL set (PostgreSQL) or DATA_DIR (PGlite: each server
 * opens its own copy of the database), after `npx dotation ingest --sample`
 * (or a real ingestion) into that store; bench/dotation-stores.ts compares the two stores in one run.
 *   DATABASE_URL=postgres://…/db npx tsx bench/dotation-throughput.ts [seconds] [cold|all] [rounds]
 */
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { alternate, hammer, printTable, ratios, startServer, stopServer, type Figures } from './http-bench.js';

const seconds = Number(process.argv[2] ?? 15);
/** `cold`: only the reference and the builds from the store (the storage comparison, PGlite against PostgreSQL). */
const coldOnly = process.argv[3] === 'cold';
const rounds = Number(process.argv[4] ?? 3);
const codes = [...new Referential(loadDecoupage()).communes()].map((c) => c.code);
const paths = codes.map((c) => `/commune/${c}/dotation`);
console.log(`${codes.length} communes, ${seconds} s par mesure, 50 connexions, stockage : ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);

const barePaths = codes.map((c) => `/commune/${c}`);
const bare = await startServer('bare', 3911);
await hammer(3911, barePaths, 2);

const cached: [string, Figures][] = [];
let baseline: Figures;
if (!coldOnly) {
  // The default configuration, every commune's dotation preloaded (the server says ready once it is done),
  // and the same app with every request through Hono (BENCH_HONO_ONLY: without its hot paths), side by side,
  // hammered in turn (see `alternate`).
  const servers = [await startServer('app', 3914, { BENCH_HONO_ONLY: '1' }), await startServer('app', 3912, {})];
  for (const port of [3914, 3912]) await hammer(port, paths.slice(0, 1000), 2); // JIT
  const hot = paths.slice(0, 1000);
  const gzip = { 'accept-encoding': 'gzip' };
  const best = await alternate([
    { name: 'Hono nu (référence)', port: 3911, paths: barePaths },
    { name: 'tout par Hono, 1 000 communes', port: 3914, paths: hot },
    { name: 'dotation, 1 000 communes', port: 3912, paths: hot },
    { name: 'tout par Hono, toutes', port: 3914, paths },
    { name: 'dotation, toutes les communes', port: 3912, paths },
    { name: 'tout par Hono, toutes, gzip', port: 3914, paths, headers: gzip },
    { name: 'dotation, toutes, client gzip', port: 3912, paths, headers: gzip },
  ], seconds, rounds);
  for (const server of servers) await stopServer(server);
  cached.push(...[...best].slice(1));
  baseline = best.get('Hono nu (référence)')!;
  const f = (name: string) => best.get(name)!;
  console.log(`chemin chaud / tout par Hono : 1 000 communes ${ratios(f('dotation, 1 000 communes'), f('tout par Hono, 1 000 communes'))} ; `
    + `toutes ${ratios(f('dotation, toutes les communes'), f('tout par Hono, toutes'))} ; toutes, gzip ${ratios(f('dotation, toutes, client gzip'), f('tout par Hono, toutes, gzip'))}`);
  const [hotF, all, allGzip] = [f('dotation, 1 000 communes'), f('dotation, toutes les communes'), f('dotation, toutes, client gzip')];
  console.log(`1 000 communes / référence : ${ratios(hotF, baseline)} (objectif débit ≥ 0,5)`);
  console.log(`toutes les communes : ${all.rps.toFixed(0)} req/s, p99 ${all.p99} ms (objectif ≥ 5 000 req/s, p99 ≤ 50 ms) ; ${ratios(all, baseline)} la référence`);
  console.log(`toutes les communes, client gzip : ${allGzip.rps.toFixed(0)} req/s, p99 ${allGzip.p99} ms ; ${ratios(allGzip, baseline)} la référence`);
} else {
  baseline = await hammer(3911, barePaths, seconds);
}
await stopServer(bare);

const coldServer = await startServer('app', 3913, { DOTATION_CACHE_SIZE: '0', DOTATION_PRELOAD: 'false' });
await hammer(3913, paths, 2); // JIT and connection pool, not the cache (there is none)
const cold = await hammer(3913, paths, seconds);
const coldSerial = await hammer(3913, paths, Math.min(seconds, 10), 1);
await stopServer(coldServer);

const rows: [string, Figures][] = [
  ['Hono nu (référence)', baseline],
  ...cached,
  ['dotation, construction (50 conn.)', cold],
  ['dotation, construction (1 conn.)', coldSerial],
];
printTable(rows);
console.log(`construction à froid : ${cold.rps.toFixed(0)} req/s, p99 ${cold.p99} ms sous 50 connexions, ${coldSerial.p99} ms une à une`);
