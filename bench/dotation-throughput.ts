/**
 * The lean `/commune/{code}/dotation` over random codes of every current
 * commune, 50 connections, against the bare Hono JSON route (a small body)
 * measured in the same run:
 *  - the default configuration, once the server has preloaded every commune's
 *    dotation (its time and memory are printed): codes drawn from 1 000 communes
 *    (hot), then from all communes — as autocannon asks (no Accept-Encoding: the
 *    identity body is inflated from the kept gzip), then as browsers and
 *    `curl --compressed` ask (Accept-Encoding: gzip: the kept bytes as they are);
 *  - cold: cache disabled (DOTATION_CACHE_SIZE=0), every request builds its
 *    dotation from the store — under 50 connections, and one at a time (the
 *    build latency itself).
 * Run with DATABASE_URL set (PostgreSQL) or DATA_DIR (PGlite), after
 * `npx dotation ingest --sample` (or a real ingestion) into that store.
 *   DATABASE_URL=postgres://…/db npx tsx bench/dotation-throughput.ts [seconds] [cold]
 */
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { hammer, printTable, startServer, stopServer, type Figures } from './http-bench.js';

const seconds = Number(process.argv[2] ?? 15);
/** `cold`: only the reference and the builds from the store (the storage comparison, PGlite against PostgreSQL). */
const coldOnly = process.argv[3] === 'cold';
const codes = [...new Referential(loadDecoupage()).communes()].map((c) => c.code);
const paths = codes.map((c) => `/commune/${c}/dotation`);
console.log(`${codes.length} communes, ${seconds} s par mesure, 50 connexions, stockage : ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);

const bare = await startServer('bare', 3911);
await hammer(3911, codes.map((c) => `/commune/${c}`), 2);
const baseline = await hammer(3911, codes.map((c) => `/commune/${c}`), seconds);
await stopServer(bare);

const cached: [string, Figures][] = [];
if (!coldOnly) {
  // The default configuration: every commune's dotation preloaded (the server says ready once it is done).
  const server = await startServer('app', 3912);
  await hammer(3912, paths.slice(0, 1000), 2); // JIT, and the hot set's inflated bodies
  const hot = await hammer(3912, paths.slice(0, 1000), seconds);
  const all = await hammer(3912, paths, seconds);
  const allGzip = await hammer(3912, paths, seconds, 50, { 'accept-encoding': 'gzip' });
  await stopServer(server);
  cached.push(['dotation, 1 000 communes', hot], ['dotation, toutes les communes', all], ['dotation, toutes, client gzip', allGzip]);
  console.log(`1 000 communes / référence : débit ${(hot.rps / baseline.rps).toFixed(2)} (objectif ≥ 0,5)`);
  console.log(`toutes les communes : ${all.rps.toFixed(0)} req/s, p99 ${all.p99} ms (objectif ≥ 5 000 req/s, p99 ≤ 50 ms) ; ${(all.rps / baseline.rps).toFixed(2)}× la référence`);
  console.log(`toutes les communes, client gzip : ${allGzip.rps.toFixed(0)} req/s, p99 ${allGzip.p99} ms ; ${(allGzip.rps / baseline.rps).toFixed(2)}× la référence`);
}

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
