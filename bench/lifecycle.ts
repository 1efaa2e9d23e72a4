/**
 * Storage lifecycle: one sample release, then N successive sample ingests, then
 * `prune` (keep the current release and the one before), on PGlite and — when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL names a PostgreSQL server — on a
 * throwaway PostgreSQL database. Prints the store's size at each stage and the
 * ratio after prune to the single release measured in the same run.
 *
 *   npx tsx bench/lifecycle.ts [--runs 30] [--sources ban,etat-civil-insee,…]
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import postgres from 'postgres';
import { PROJECT_ROOT } from '../src/config.js';
import { loadRegistry } from '../src/contract/registry.js';
import { openPglite, openPostgres, type Store } from '../src/db/client.js';
import { ingest } from '../pipelines/framework/run.js';
import { prune } from '../pipelines/framework/lifecycle.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, sources: { type: 'string', default: '' } } });
const runs = Number(values.runs);
const sources = values.sources ? values.sources.split(',') : [];
const registry = loadRegistry(join(PROJECT_ROOT, 'data-sources.yaml'));
const cacheDir = join(mkdtempSync(join(tmpdir(), 'dotation-bench-cache-')), 'cache');
const mb = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MB`;

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    total += s.isDirectory() ? dirBytes(p) : s.size;
  }
  return total;
}

const sample = (store: Store, only: string[]) => ingest({
  store, registry, logger: pino({ level: 'silent' }), sources: only, sample: true, projectRoot: PROJECT_ROOT, cacheDir,
  progress: { forSource: () => ({ update() {} }), stop() {} },
});

async function measure(name: string, store: Store, size: () => Promise<number>): Promise<void> {
  await store.migrate();
  await sample(store, []);
  const single = await size();
  const started = Date.now();
  for (let i = 0; i < runs; i++) await sample(store, sources);
  const grown = await size();
  const { releases, loads } = await prune(store);
  const pruned = await size();
  const loadRows = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM loads');
  process.stdout.write(`${name.padEnd(9)} release seule ${mb(single).padStart(9)} | après ${runs} ingestions (${sources.join(',') || 'toutes'}, ${((Date.now() - started) / 1000).toFixed(0)} s) ${mb(grown).padStart(9)}`
    + ` | après prune ${mb(pruned).padStart(9)} = ${(pruned / single).toFixed(2)}× la release seule (${releases.length} releases, ${loads.length} chargements supprimés ; ${loadRows[0].n} chargements restent)\n`);
  if (store.driver === 'postgres') {
    await prune(store, { full: true });
    const full = await size();
    process.stdout.write(`${''.padEnd(9)} après prune --full ${mb(full).padStart(9)} = ${(full / single).toFixed(2)}× la release seule\n`);
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'dotation-bench-lifecycle-'));
const lite = await openPglite(dataDir);
await measure('PGlite', lite, async () => { await lite.query('CHECKPOINT'); return dirBytes(dataDir); });
await lite.close();

const adminUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
if (adminUrl) {
  const name = `dotation_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pg = await openPostgres(url.toString());
  const size = async () => (await pg.query<{ n: string }>('SELECT pg_database_size(current_database()) AS n'))[0].n;
  try {
    await measure('Postgres', pg, async () => Number(await size()));
  } finally {
    await pg.close();
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}
