/**
 * The lean `/commune/{code}/dotation` over random codes of every current
 * commune, 50 connections, against the bare Hono JSON route (a small body)
 * measured in the same run:
 *  - hot: codes drawn from 1 000 communes, all in the cache;
 *  - warm: every dotation built once beforehand (cache sized for all communes);
 *  - default cache (DEFAULT_CACHE_BYTES, 16 MiB): codes over all communes, most built on demand;
 *  - cold: cache disabled (DOTATION_CACHE_MB=0), every request builds its
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

/** Requests every path exactly once (50 at a time), so that the cache holds them all. */
async function warmAll(port: number): Promise<number> {
  const started = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: 50 }, async () => {
    while (next < paths.length) {
      const res = await fetch(`http://127.0.0.1:${port}${paths[next++]}`, { headers: { 'accept-encoding': 'identity' } });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`préchauffage : ${res.status} pour ${res.url}`);
    }
  }));
  return Date.now() - started;
}

const bare = await startServer('bare', 3911);
await hammer(3911, codes.map((c) => `/commune/${c}`), 2);
const baseline = await hammer(3911, codes.map((c) => `/commune/${c}`), seconds);
await stopServer(bare);

const cached: [string, Figures][] = [];
if (!coldOnly) {
  // 64 kB a commune: room for every lean dotation and its compressed copies.
  const warmServer = await startServer('app', 3912, { DOTATION_CACHE_MB: String(Math.ceil(codes.length * 64 / 1024)) });
  const warmMs = await warmAll(3912);
  const hot = await hammer(3912, paths.slice(0, 1000), seconds);
  const warm = await hammer(3912, paths, seconds);
  await stopServer(warmServer);
  const defaultServer = await startServer('app', 3914);
  const byDefault = await hammer(3914, paths, seconds);
  await stopServer(defaultServer);
  cached.push(['dotation, 1 000 communes en cache', hot], ['dotation, toutes en cache', warm], ['dotation, cache par défaut', byDefault]);
  console.log(`préchauffage de ${codes.length} dotations : ${(warmMs / 1000).toFixed(1)} s`);
  console.log(`1 000 communes en cache / référence : débit ${(hot.rps / baseline.rps).toFixed(2)} (objectif ≥ 0,5)`);
  console.log(`toutes les communes : ${warm.rps.toFixed(0)} req/s, p99 ${warm.p99} ms en cache ; ${byDefault.rps.toFixed(0)} req/s, p99 ${byDefault.p99} ms avec le cache par défaut (objectif ≥ 5 000 req/s, p99 ≤ 50 ms)`);
}

const coldServer = await startServer('app', 3913, { DOTATION_CACHE_MB: '0' });
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
