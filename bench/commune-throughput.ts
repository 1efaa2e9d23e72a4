/**
 * `/commune/{code}` over random codes of every current commune, 50 connections,
 * against two baselines measured in the same run (the ratios are the figures:
 * these machines are noisy): a bare `node:http` server sending, per code, the
 * very bytes the app sends, and a bare Hono JSON route. Uses DATA_DIR or
 * DATABASE_URL as the CLI does; run `npx dotation ingest --sample` first.
 *   npx tsx bench/commune-throughput.ts [seconds]
 */
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { hammer, printTable, ratios, startServer, stopServer } from './http-bench.js';

const seconds = Number(process.argv[2] ?? 15);
const codes = [...new Referential(loadDecoupage()).communes()].map((c) => c.code);
const paths = codes.map((c) => `/commune/${c}`);
console.log(`${codes.length} communes, ${seconds} s par mesure, 50 connexions, stockage : ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`);

const nodeHttp = await startServer('node-http', 3903);
await hammer(3903, paths, 2);
const floor = await hammer(3903, paths, seconds);
await stopServer(nodeHttp);

const bare = await startServer('bare', 3901);
await hammer(3901, paths, 2);
const baseline = await hammer(3901, paths, seconds);
await stopServer(bare);

const app = await startServer('app', 3902);
await hammer(3902, paths, 3); // warm-up
const measured = await hammer(3902, paths, seconds);
await stopServer(app);

printTable([['node:http nu, mêmes octets', floor], ['Hono nu (référence)', baseline], ['/commune/{code}', measured]]);
console.log(`app / node:http mêmes octets : ${ratios(measured, floor)} (objectif débit ≥ 0,7) ; p99 ${measured.p99} ms (objectif ≤ 10 ms)`);
console.log(`app / Hono nu : ${ratios(measured, baseline)}`);
