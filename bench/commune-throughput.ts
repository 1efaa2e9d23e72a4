/**
 * `/commune/{code}` over random codes of every current commune, 50 connections,
 * against baselines measured in the same run (the ratios are the figures:
 * these machines are noisy): a bare `node:http` server sending, per code, the
 * very bytes the app sends, a bare Hono JSON route, and the app with every
 * request through Hono (BENCH_HONO_ONLY: without its hot paths). The four
 * servers run side by side and are hammered in turn, ROUNDS times, each
 * keeping its best round and its lowest server CPU per request (see
 * `alternate`). Dotations are not preloaded (DOTATION_PRELOAD=false): only
 * this route's requests are measured. Uses DATA_DIR or DATABASE_URL as the CLI
 * does; run `npx dotation ingest --sample` first.
 *   npx tsx bench/commune-throughput.ts [seconds] [rounds]
 */
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { alternate, hammer, printTable, ratios, startServer, stopServer, visitAll } from './http-bench.js';

const seconds = Number(process.argv[2] ?? 10);
const rounds = Number(process.argv[3] ?? 3);
const codes = [...new Referential(loadDecoupage()).communes()].map((c) => c.code);
const paths = codes.map((c) => `/commune/${c}`);
console.log(`${codes.length} communes, ${seconds} s par mesure, ${rounds} tours, 50 connexions, stockage : ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);

const servers = [
  await startServer('node-http', 3903),
  await startServer('bare', 3901),
  await startServer('app', 3904, { BENCH_HONO_ONLY: '1', DOTATION_PRELOAD: 'false' }),
  await startServer('app', 3902, { DOTATION_PRELOAD: 'false' }),
];
for (const port of [3903, 3901, 3904, 3902]) {
  await visitAll(port, paths); // each commune's body rendered once, as in a server that has run a while
  await hammer(port, paths, 2); // JIT
}
const best = await alternate([
  { name: 'node:http nu, mêmes octets', port: 3903, paths },
  { name: 'Hono nu (référence)', port: 3901, paths },
  { name: '/commune/{code}, tout par Hono', port: 3904, paths },
  { name: '/commune/{code}', port: 3902, paths },
], seconds, rounds);
for (const server of servers) await stopServer(server);

printTable([...best]);
const [floor, baseline, throughHono, measured] = [...best.values()];
console.log(`chemin chaud / tout par Hono : ${ratios(measured, throughHono)}`);
console.log(`app / node:http mêmes octets : ${ratios(measured, floor)} (objectif débit ≥ 0,7) ; p99 ${measured.p99} ms (objectif ≤ 10 ms)`);
console.log(`app / Hono nu : ${ratios(measured, baseline)}`);
