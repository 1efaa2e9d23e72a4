/**
 * The contract fuzzer (tests/helpers/contract-fuzz.ts) at scale: 100 000
 * requests drawn from /openapi.json with a fixed seed, against the release of
 * DATABASE_URL (the sample release: `npx dotation ingest --sample`), in
 * process, 8 at a time. Prints the figures per block of 10 000 and in total;
 * exits 1 on any violation (5xx, error not in problem+json or not in French,
 * 2xx body outside its schema, missing CORS/nosniff, unbounded request id…).
 *   DATABASE_URL=postgres://…/db npx tsx bench/fuzz-api.ts [requests=100000] [seed=13]
 */
import { join } from 'node:path';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/db/client.js';
import { loadRegistry } from '../src/contract/registry.js';
import { drawRequests, inProcess, knownValues, runFuzz, summarize, type FuzzReport, type OpenApiDoc } from '../tests/helpers/contract-fuzz.js';

const total = Number(process.argv[2] ?? 100_000);
const seed = Number(process.argv[3] ?? 13);
const block = 10_000;
const config = loadConfig();
if (!config.databaseUrl) throw new Error('DATABASE_URL : le fuzzer se mesure sur PostgreSQL');
const store = await openStore(config);
const registry = loadRegistry(join(config.projectRoot, 'data-sources.yaml'));
const app = createApp({ store, registry, releaseCheckMs: 1000, publicUrl: 'http://localhost' });
const doc = await (await app.request('/openapi.json')).json() as OpenApiDoc;
const releases = (await (await app.request('/releases')).json() as { id: string }[]).map((r) => r.id);
const known = knownValues(registry.map((s) => s.id), releases, 'http://localhost');
console.log(`fuzz : ${total} requêtes, graine ${seed}, ${Object.keys(doc.paths).length} chemins, PostgreSQL, en processus, 8 à la fois`);

const reports: FuzzReport[] = [];
for (let done = 0; done < total; done += block) {
  // Each block its own seed (seed + block index), so that a run of n blocks is reproducible block by block.
  const requests = drawRequests(doc, known, seed + done / block, Math.min(block, total - done));
  const report = await runFuzz(doc, requests, inProcess(app), 8);
  reports.push(report);
  console.log(`  bloc ${done / block + 1} : ${summarize(report)}`);
  for (const v of report.violations.slice(0, 5)) console.log(`    ${v.status} ${v.request.method} ${v.request.url.slice(0, 160)} → ${v.problem.slice(0, 200)}`);
}
const sum = (f: (r: FuzzReport) => number) => reports.reduce((n, r) => n + f(r), 0);
const byStatus: Record<string, number> = {};
for (const r of reports) for (const [s, n] of Object.entries(r.byStatus)) byStatus[s] = (byStatus[s] ?? 0) + n;
const millis = sum((r) => r.millis);
const violations = sum((r) => r.violations.length);
const server5xx = Object.entries(byStatus).filter(([s]) => Number(s) >= 500 && s !== '501').reduce((n, [, c]) => n + c, 0);
console.log(`total : ${sum((r) => r.requests)} requêtes en ${(millis / 1000).toFixed(0)} s (${(sum((r) => r.requests) / (millis / 1000)).toFixed(0)} req/s) ; statuts ${JSON.stringify(byStatus)}`);
console.log(`${sum((r) => r.bodiesValidated)} corps 2xx validés contre leur schéma OpenAPI ; réponses ≥ 500 hors 501 oEmbed : ${server5xx} ; violations : ${violations}`);
await store.close();
process.exit(violations ? 1 : 0);
