/**
 * Faults as tests (issue 12): the CLI is killed with SIGKILL at deterministic
 * points of its step machine (DOTATION_FAULT_AT=<step>:<source>, see
 * pipelines/framework/faults.ts), on both stores. After each kill the served
 * release is byte-identical on a set of URLs; the next ingest succeeds and
 * reclaims the loads the dead runs left `loading`. Small sources only
 * (etat-civil-insee, the BAN excerpt), so that each point costs one CLI start.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { openPglite, openPostgres, type Store } from '../../src/db/client.js';
import type { FaultStep } from '../../pipelines/framework/faults.js';
import { createApp } from '../../src/app.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { SERVED_URLS, servedBytes } from '../helpers/served.js';

const run = promisify(execFile);
const BAN = join(PROJECT_ROOT, 'samples/ban/adresses-france-extrait.csv.gz');

/** A store the CLI can open from another process; `copy()` gives an independent one holding the same data. */
interface Target { name: string; env: Record<string, string>; open(): Promise<Store>; copy(): Promise<Target>; dispose(): Promise<void> }

function pgliteTarget(dataDir = mkdtempSync(join(tmpdir(), 'dotation-faults-'))): Target {
  return {
    name: 'pglite', env: { DATA_DIR: dataDir, DATABASE_URL: '' }, open: () => openPglite(dataDir),
    async copy() {
      const copy = mkdtempSync(join(tmpdir(), 'dotation-faults-'));
      cpSync(dataDir, copy, { recursive: true });
      return pgliteTarget(copy);
    },
    dispose: async () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

function postgresTarget(adminUrl: string, name = `dotation_faults_${randomBytes(4).toString('hex')}`, template?: string): Target {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = () => postgres(adminUrl, { max: 1, onnotice: () => {} });
  // Each CLI process gets its own DATA_DIR: DuckDB's ingestion file there is locked by one process at a time.
  const dataDir = mkdtempSync(join(tmpdir(), 'dotation-faults-pg-'));
  let created: Promise<void> | undefined;
  const ensure = () => (created ??= (async () => {
    const sql = admin();
    await sql.unsafe(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
    await sql.end();
  })());
  return {
    name: 'postgres',
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    open: async () => { await ensure(); return openPostgres(url.toString()); },
    async copy() {
      await ensure();
      const copy = postgresTarget(adminUrl, `${name}_${randomBytes(2).toString('hex')}`, name);
      await copy.open().then((store) => store.close());
      return copy;
    },
    async dispose() {
      const sql = admin();
      await sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await sql.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function dotation(target: Target, args: string[], faultAt?: string) {
  try {
    const { stderr } = await run(process.execPath, [join(PROJECT_ROOT, 'bin/dotation.mjs'), ...args], {
      env: { ...process.env, LOG_LEVEL: 'warn', ...target.env, ...(faultAt ? { DOTATION_FAULT_AT: faultAt } : {}) },
      cwd: PROJECT_ROOT, timeout: 120_000,
    });
    return { code: 0, signal: null, stderr };
  } catch (error) {
    const e = error as { code: number | null; signal: NodeJS.Signals | null; stderr: string };
    return { code: e.code, signal: e.signal, stderr: e.stderr };
  }
}

async function withStore<T>(target: Target, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await target.open();
  try { return await fn(store); } finally { await store.close(); }
}

/** `fn` over `items`, at most `limit` at a time (each point is one CLI process). */
async function pooled<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}

const ETAT_CIVIL = ['ingest', 'etat-civil-insee', '--sample'];
const BAN_PARTIAL = ['ingest', 'ban', '--departement', '05', '--input', `ban=${BAN}`];
/**
 * Spread over fetch, stage, project, load, check and publish; a tabular source and one with a bulk
 * table and a carry-over. `leaves`: what the dead run leaves behind (a load `loading`, or none).
 */
const POINTS: { step: FaultStep; source: string; args: string[]; leavesLoading: boolean }[] = [
  { step: 'fetch', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: false },
  { step: 'created', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: true },
  { step: 'stage', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: true },
  { step: 'project', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: true },
  { step: 'load', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: true },
  { step: 'check', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: true },
  { step: 'complete', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: false },
  { step: 'publish', source: 'etat-civil-insee', args: ETAT_CIVIL, leavesLoading: false },
  { step: 'bulk', source: 'ban', args: BAN_PARTIAL, leavesLoading: true },
  { step: 'carry', source: 'ban', args: BAN_PARTIAL, leavesLoading: true },
  { step: 'publish', source: 'ban', args: BAN_PARTIAL, leavesLoading: false },
];
const PARALLEL = Math.max(1, Math.min(4, availableParallelism()));

const targets: (() => Target)[] = [() => pgliteTarget()];
if (process.env.TEST_DATABASE_URL) targets.push(() => postgresTarget(process.env.TEST_DATABASE_URL!));

for (const makeTarget of targets) {
  describe(`ingestion killed at ${POINTS.length} points`, () => {
    let base: Target;
    let before: Awaited<ReturnType<typeof servedBytes>>;
    const killed: { point: (typeof POINTS)[number]; target: Target; signal: string | null; stderr: string; served: unknown; loading: number[] }[] = [];

    beforeAll(async () => {
      base = makeTarget();
      before = await withStore(base, async (store) => {
        await store.migrate();
        await ingestForTest(store, { sources: ['cog', 'etat-civil-insee', 'ban'], sample: true });
        return servedBytes(store);
      });
      expect(Object.values(before).map((r) => r.status)).toEqual(SERVED_URLS.map(() => 200));
      // Each point on its own copy of the store, so that the points run side by side.
      killed.push(...await pooled(POINTS, PARALLEL, async (point) => {
        const target = await base.copy();
        const result = await dotation(target, point.args, `${point.step}:${point.source}`);
        const { served, loading } = await withStore(target, async (store) => ({
          served: await servedBytes(store),
          loading: (await store.query<{ id: number }>(`SELECT id FROM loads WHERE status = 'loading' ORDER BY id`)).map((r) => r.id),
        }));
        return { point, target, signal: result.signal, stderr: result.stderr, served, loading };
      }));
    }, 900_000);
    afterAll(async () => {
      for (const k of killed) await k.target.dispose();
      await base?.dispose();
    });

    it.each(POINTS.map((p, i) => ({ ...p, i })))('$step:$source — killed, the served release stays byte-identical', ({ i, leavesLoading }) => {
      const k = killed[i];
      expect(k.signal, k.stderr).toBe('SIGKILL');
      expect(k.served).toEqual(before);
      expect(k.loading.length).toBe(leavesLoading ? 1 : 0);
    });

    it('the next ingest succeeds and reclaims the load a dead run left loading, with its rows', async () => {
      // The BAN run killed after its carry-over: a load `loading` with commune records and addresses.
      const k = killed[POINTS.findIndex((p) => p.step === 'carry')];
      const [dead] = k.loading;
      const rows = (store: Store) => store.query<{ n: number }>(
        `SELECT (SELECT count(*) FROM commune_datasets WHERE load_id = $1)::int + (SELECT count(*) FROM ban_adresses WHERE load_id = $1)::int AS n`, [dead]);
      expect((await withStore(k.target, rows))[0].n).toBeGreaterThan(0);
      const result = await dotation(k.target, ETAT_CIVIL);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toContain('chargements laissés par une ingestion interrompue');
      await withStore(k.target, async (store) => {
        expect(await store.query(`SELECT id FROM loads WHERE status = 'loading'`)).toEqual([]);
        expect(await store.query('SELECT status FROM loads WHERE id = $1', [dead])).toEqual([{ status: 'failed' }]);
        expect(await rows(store)).toEqual([{ n: 0 }]);
        const after = await servedBytes(store);
        expect(Object.values(after).map((r) => r.status)).toEqual(SERVED_URLS.map(() => 200));
        expect(after['/commune/05006/datasets/ban.csv']).toEqual(before['/commune/05006/datasets/ban.csv']);
        expect(after['/releases/current']).not.toEqual(before['/releases/current']);
      });
    }, 120_000);
  });
}

describe.runIf(process.env.TEST_DATABASE_URL)('a server kept running on PostgreSQL while an ingest is killed', () => {
  const target = postgresTarget(process.env.TEST_DATABASE_URL ?? 'postgres://unused');
  let store: Store;
  beforeAll(async () => {
    store = await target.open();
    await store.migrate();
    await ingestForTest(store, { sources: ['cog', 'etat-civil-insee'], sample: true });
  }, 180_000);
  afterAll(async () => {
    await store?.close();
    await target.dispose();
  });

  it('answers 200 from the old release, then from the new one, never a mix', async () => {
    const app = createApp({ store, registry, releaseCheckMs: 0 });
    // URLs that answer 200 (a 404's body carries its request id, so two of them never compare equal).
    const urls = ['/commune/75056/dotation', '/releases/current', '/commune/75056/datasets/etat-civil-insee'];
    const get = async () => Promise.all(urls.map(async (url) => { const res = await app.request(url); return `${res.status} ${await res.text()}`; }));
    const old = await get();
    const seen: string[][] = [];
    let running = true;
    const polling = (async () => { while (running) seen.push(await get()); })();
    try {
      const killedRun = await dotation(target, ETAT_CIVIL, 'publish:etat-civil-insee');
      expect(killedRun.signal).toBe('SIGKILL');
      const okRun = await dotation(target, ETAT_CIVIL);
      expect(okRun.code, okRun.stderr).toBe(0);
    } finally {
      running = false;
      await polling;
    }
    const now = await get();
    expect(now).not.toEqual(old);
    expect(seen.length).toBeGreaterThan(2);
    // Each answer is exactly the old release's or the new one's, and once a URL has answered from the new one it never goes back.
    for (const [i, url] of urls.entries()) {
      const states = seen.map((answers) => (answers[i] === old[i] ? 'old' : answers[i] === now[i] ? 'new' : `mix: ${answers[i].slice(0, 200)}`));
      expect(states.filter((s) => s !== 'old' && s !== 'new'), url).toEqual([]);
      expect(states.lastIndexOf('old'), url).toBeLessThan(states.includes('new') ? states.indexOf('new') : Infinity);
    }
    for (const answers of seen) for (const a of answers) expect(a.slice(0, 3)).toBe('200');
  }, 240_000);
});
