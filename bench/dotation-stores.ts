/**
 * The embedded store against PostgreSQL on the dotation benchmark, in one run:
 * the same app on the same release, one server on PostgreSQL (DATABASE_URL)
 * and one on PGlite (a copy of DATA_DIR's database), side by side and
 * hammered in turn (`alternate`), lean `/commune/{code}/dotation` over random
 * codes of every commune, 50 connections:
 *  - as served (default configuration): once each server has preloaded every
 *    dotation — the preload's time and memory per store are printed; identity
 *    and gzip clients;
 *  - built from the store at every request (DOTATION_CACHE_SIZE=0): the
 *    stores' own cost, 50 connections and one at a time.
 * The ratios PGlite / PostgreSQL are the figures (objective: within 3×).
 * Both stores must hold the same release (`npx dotation ingest --sample` with
 * and without DATABASE_URL).
 *   DATABASE_URL=postgres://…/db DATA_DIR=./data npx tsx bench/dotation-stores.ts [seconds] [rounds]
 */
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { alternate, printTable, ratios, startServer, stopServer, type Figures } from './http-bench.js';

const seconds = Number(process.argv[2] ?? 10);
const rounds = Number(process.argv[3] ?? 3);
const postgres = process.env.DATABASE_URL;
if (!postgres) throw new Error('DATABASE_URL (PostgreSQL) est requis : le banc compare PGlite (DATA_DIR) à PostgreSQL');
const paths = [...new Referential(loadDecoupage()).communes()].map((c) => `/commune/${c.code}/dotation`);
console.log(`${paths.length} communes, ${seconds} s par mesure, ${rounds} tours, 50 connexions ; PGlite : copie de ${process.env.DATA_DIR ?? './data'}`);

const onPg = { DATABASE_URL: postgres };
const onPglite = { DATABASE_URL: undefined };
const gzip = { 'accept-encoding': 'gzip' };
const rows: [string, Figures][] = [];

console.log('servi (préchargé) :');
let servers = [await startServer('app', 3931, onPg), await startServer('app', 3932, onPglite)];
let best = await alternate([
  { name: 'PostgreSQL, servi', port: 3931, paths },
  { name: 'PGlite, servi', port: 3932, paths },
  { name: 'PostgreSQL, servi, client gzip', port: 3931, paths, headers: gzip },
  { name: 'PGlite, servi, client gzip', port: 3932, paths, headers: gzip },
], seconds, rounds);
for (const server of servers) await stopServer(server);
rows.push(...best);

const cold = { DOTATION_CACHE_SIZE: '0', DOTATION_PRELOAD: 'false' };
servers = [await startServer('app', 3933, { ...onPg, ...cold }), await startServer('app', 3934, { ...onPglite, ...cold })];
best = await alternate([
  { name: 'PostgreSQL, construit', port: 3933, paths },
  { name: 'PGlite, construit', port: 3934, paths },
], seconds, rounds);
const serial = await alternate([
  { name: 'PostgreSQL, construit, 1 conn.', port: 3933, paths, connections: 1 },
  { name: 'PGlite, construit, 1 conn.', port: 3934, paths, connections: 1 },
], seconds, 1);
for (const server of servers) await stopServer(server);
rows.push(...best, ...serial);

printTable(rows);
const f = new Map(rows);
for (const what of ['servi', 'servi, client gzip', 'construit', 'construit, 1 conn.']) {
  const [pg, lite] = [f.get(`PostgreSQL, ${what}`)!, f.get(`PGlite, ${what}`)!];
  console.log(`PGlite / PostgreSQL, ${what} : ${ratios(lite, pg)} ; p99 ${lite.p99} / ${pg.p99} ms (objectif : à moins de 3× de PostgreSQL)`);
}
