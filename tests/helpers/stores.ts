/**
 * The suites that touch storage run on both drivers: PGlite always, and a real
 * PostgreSQL server when TEST_DATABASE_URL is set (`.ci/run` starts one). Each
 * suite gets its own fresh database, migrated from drizzle/.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openPglite, openPostgres, type Store } from '../../src/db/client.js';

export interface StoreKind { name: 'pglite' | 'postgres'; open(): Promise<Store & { dispose(): Promise<void> }> }

const adminUrl = process.env.TEST_DATABASE_URL;

export const storeKinds: StoreKind[] = [
  {
    name: 'pglite',
    async open() {
      const store = await openPglite();
      await store.migrate();
      return Object.assign(store, { dispose: () => store.close() });
    },
  },
  ...(adminUrl ? [{
    name: 'postgres' as const,
    async open() {
      const name = `dotation_test_${randomBytes(4).toString('hex')}`;
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`CREATE DATABASE ${name}`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const store = await openPostgres(url.toString());
      await store.migrate();
      return Object.assign(store, {
        async dispose() {
          await store.close();
          await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          await admin.end();
        },
      });
    },
  }] : []),
];

if (!adminUrl && !process.env.DOTATION_PG_SKIP_NOTICE_SHOWN) {
  process.env.DOTATION_PG_SKIP_NOTICE_SHOWN = '1';
  process.stdout.write('\n⚠ Suites PostgreSQL ignorées : TEST_DATABASE_URL n\'est pas défini (seul PGlite est testé). `.ci/run` démarre un PostgreSQL 15 jetable.\n');
}
