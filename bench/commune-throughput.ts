/**
 * `/commune/{code}` over random codes of every current commune, 50 connections,
 * against a bare Hono JSON route measured in the same run (the ratio is the
 * figure: these machines are noisy). Uses DATA_DIR/DATABASE_URL as the CLI does;
 * run `npx dotation ingest cog` first.
 *   npx tsx bench/commune-throughput.ts [seconds]
 */
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { hammer, printTable, startServer, stopServer } from './http-bench.js';

const seconds = Number(process.argv[2] ?? 15);
const codes = [...new Referential(loadDecoupage()).communes()].map((c) => c.code);
const paths = codes.map((c) => `/commune/${c}`);
console.log(`${codes.length} communes, ${seconds} s par mesure, 50 connexions`);

const bare = await startServer('bare', 3901);
const baseline = await hammer(3901, paths, seconds);
await stopServer(bare);

const app = await startServer('app', 3902);
await hammer(3902, paths, 3); // warm-up
const measured = await hammer(3902, paths, seconds);
await stopServer(app);

printTable([['Hono nu (référence)', baseline], ['/commune/{code}', measured]]);
console.log(`rapport débit app / référence : ${(measured.rps / baseline.rps).toFixed(2)}   p99 : ${measured.p99} ms vs ${baseline.p99} ms`);
