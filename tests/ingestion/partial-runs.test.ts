/**
 * Partial runs replace only what they name (issue 12): `--departement` is
 * checked against the COG before any work, a partial BAN ingest carries every
 * other département's addresses over unchanged, and a run that projects no
 * commune never publishes. Real sample files, both stores.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { createApp } from '../../src/app.js';
import { currentReleaseId, readLoads, readRelease } from '../../src/releases/repository.js';
import { ScopeError } from '../../pipelines/framework/scope.js';
import { ingestForTest, registry } from '../helpers/ingest.js';
import { storeKinds } from '../helpers/stores.js';

const BAN = join(PROJECT_ROOT, 'samples/ban/adresses-france-extrait.csv.gz');

/** Lines of the BAN excerpt by département, from a plain read of the file (header skipped). */
function banLinesByDepartement(): Map<string, string[]> {
  const lines = gunzipSync(readFileSync(BAN)).toString('utf8').split('\n').filter(Boolean).slice(1);
  const byDep = new Map<string, string[]>();
  for (const line of lines) {
    const code = line.split(';')[6];
    const dep = code.startsWith('97') ? code.slice(0, 3) : code.slice(0, 2);
    byDep.set(dep, [...(byDep.get(dep) ?? []), line]);
  }
  return byDep;
}

for (const kind of storeKinds) {
  describe(`partial runs (${kind.name})`, () => {
    let store: Awaited<ReturnType<typeof kind.open>>;
    const byDep = banLinesByDepartement();
    const banRows = (loadId: number) => store.query<{ code_insee: string; id: string }>(
      'SELECT code_insee, id FROM ban_adresses WHERE load_id = $1 ORDER BY id', [loadId]);
    const served = async (path: string) => {
      const res = await createApp({ store, registry, releaseCheckMs: 0 }).request(path);
      return { status: res.status, body: await res.text() };
    };

    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, { sources: ['cog', 'ban'], sample: true });
    }, 120_000);
    afterAll(() => store?.dispose());

    it('refuses an unknown département before any load is created, listing the valid codes', async () => {
      const before = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM loads');
      const error = await ingestForTest(store, { sources: ['ban'], inputs: new Map([['ban', [BAN]]]), departements: ['999'] }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).cause ?? error).toBeInstanceOf(ScopeError);
      expect((error as Error).message).toMatch(/--departement 999 : inconnu du COG \d{4} \(codes valides : 01, 02, .*2A, 2B, .*974/);
      expect(await store.query('SELECT count(*)::int AS n FROM loads')).toEqual(before);
    });

    it('refuses a département the file has nothing for: the served addresses stay', async () => {
      const release = await currentReleaseId(store);
      const before = await served('/commune/05006/datasets/ban.csv');
      expect(before.status).toBe(200);
      await expect(ingestForTest(store, { sources: ['ban'], inputs: new Map([['ban', [BAN]]]), departements: ['35'] }))
        .rejects.toThrow(/\[ban\] contrôle « source vide » non satisfait: aucune commune projetée pour --departement 35/);
      expect(await currentReleaseId(store)).toBe(release);
      expect(await served('/commune/05006/datasets/ban.csv')).toEqual(before);
    });

    it('replaces the named département only, carries every other one over unchanged, and records the coverage', async () => {
      const previous = (await readRelease(store, (await currentReleaseId(store))!))!.loads.ban;
      const old = await banRows(previous);
      const before = await served('/commune/05006/datasets/ban.csv');
      const result = await ingestForTest(store, { sources: ['ban'], inputs: new Map([['ban', [BAN]]]), departements: ['01'] });
      const loadId = (await readRelease(store, result.releaseId))!.loads.ban;
      const rows = await banRows(loadId);
      // Independent count: the 01 lines re-read, every 05 line carried over.
      expect(rows.filter((r) => r.code_insee.startsWith('01'))).toHaveLength(byDep.get('01')!.length);
      expect(rows.filter((r) => r.code_insee.startsWith('05'))).toHaveLength(byDep.get('05')!.length);
      expect(rows.filter((r) => !r.code_insee.startsWith('01'))).toEqual(old.filter((r) => !r.code_insee.startsWith('01')));
      expect(await served('/commune/05006/datasets/ban.csv')).toEqual(before);
      const carriedCommunes = await store.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM commune_datasets n JOIN commune_datasets o ON o.code = n.code AND o.hash = n.hash
          WHERE n.load_id = $1 AND o.load_id = $2 AND n.code LIKE '05%'`, [loadId, previous]);
      const oldCommunes05 = await store.query<{ n: number }>(`SELECT count(*)::int AS n FROM commune_datasets WHERE load_id = $1 AND code LIKE '05%'`, [previous]);
      expect(carriedCommunes[0].n).toBe(oldCommunes05[0].n);
      const load = (await readLoads(store, [loadId])).get(loadId)!;
      expect(load.provenance.couverture).toEqual({ departements: ['01'], reprisDe: previous, communesReprises: oldCommunes05[0].n });
      expect(result.sources[0].coverage?.departements).toEqual(['01']);
    });
  });
}
