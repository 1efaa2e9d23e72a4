/**
 * Every broken input names the source, the file and what is wrong, and leaves
 * the served release byte-identical (issue 12): real sample files cut or
 * corrupted in a temp dir, both stores.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../src/config.js';
import { ingestForTest } from '../helpers/ingest.js';
import { servedBytes } from '../helpers/served.js';
import { storeKinds } from '../helpers/stores.js';

const BAN = join(PROJECT_ROOT, 'samples/ban/adresses-france-extrait.csv.gz');
const CONTOURS_7Z = join(PROJECT_ROOT, 'samples/communes-contours/ADMIN-EXPRESS-COG_SHP_LAMB93_FXX_extrait-05-2A.7z');
const QPV_ZIP = join(PROJECT_ROOT, 'samples/qpv/QP2024_France_Hexagonale_Outre_Mer_extrait.zip');

const dir = mkdtempSync(join(tmpdir(), 'dotation-broken-'));
function variant(name: string, from: string, change: (bytes: Buffer) => Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, change(readFileSync(from)));
  return path;
}
/** The byte at `at` inverted (a bit rot the producer's checksum must catch). */
const flip = (at: (b: Buffer) => number) => (b: Buffer) => { const c = Buffer.from(b); c[at(c)] ^= 0xff; return c; };

const cases: { name: string; source: string; file: () => string; expected: RegExp }[] = [
  { name: 'gzip tronqué', source: 'ban', file: () => variant('adresses-tronquee.csv.gz', BAN, (b) => b.subarray(0, Math.floor(b.length / 2))),
    expected: /^\[ban\] \S*adresses-tronquee\.csv\.gz: archive tronquée/ },
  // The last member's CRC32 sits 8 bytes before the end of a gzip file.
  { name: 'gzip au CRC faux', source: 'ban', file: () => variant('adresses-crc.csv.gz', BAN, flip((b) => b.length - 8)),
    expected: /^\[ban\] \S*adresses-crc\.csv\.gz: archive corrompue : somme de contrôle \(CRC\) gzip incorrecte/ },
  { name: 'fichier vide', source: 'ban', file: () => variant('adresses-vide.csv.gz', BAN, () => Buffer.alloc(0)),
    expected: /^\[ban\] \S*adresses-vide\.csv\.gz: fichier vide \(0 octet\)/ },
  { name: 'dossier au lieu d\'un fichier', source: 'ban', file: () => { const d = join(dir, 'un-dossier'); mkdirSync(d, { recursive: true }); return d; },
    expected: /^\[ban\] .*un-dossier: .*un-dossier est un dossier, pas un fichier/ },
  { name: '7z tronqué', source: 'communes-contours', file: () => variant('admin-express-tronque.7z', CONTOURS_7Z, (b) => b.subarray(0, Math.floor(b.length * 0.6))),
    expected: /^\[communes-contours\] \S*admin-express-tronque\.7z: archive 7z tronquée \(7-Zip : « Unexpected end of archive »\)/ },
  // A byte of compressed data: the directory still lists, unpacking fails its CRC.
  { name: '7z au CRC faux', source: 'communes-contours', file: () => variant('admin-express-crc.7z', CONTOURS_7Z, flip((b) => Math.floor(b.length / 3))),
    expected: /^\[communes-contours\] \S*admin-express-crc\.7z: archive 7z corrompue : contrôle CRC en échec sur ADMIN-EXPRESS-COG_SHP_LAMB93_FXX\/.*COMMUNE\.sh[px]/ },
  { name: 'zip tronqué', source: 'qpv', file: () => variant('qpv-tronque.zip', QPV_ZIP, (b) => b.subarray(0, Math.floor(b.length * 0.7))),
    expected: /^\[qpv\] \S*qpv-tronque\.zip: archive zip tronquée \(7-Zip : « Unexpected end of archive »\)/ },
];

for (const kind of storeKinds) {
  describe(`broken inputs (${kind.name})`, () => {
    let store: Awaited<ReturnType<typeof kind.open>>;
    beforeAll(async () => {
      store = await kind.open();
      await ingestForTest(store, { sources: ['cog', 'ban', 'etat-civil-insee'], sample: true });
    }, 120_000);
    afterAll(() => store?.dispose());

    it.each(cases)('$source, $name: named, nothing published', async ({ source, file, expected }) => {
      const before = await servedBytes(store);
      const error = await ingestForTest(store, { sources: [source], inputs: new Map([[source, [file()]]]) }).catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(expected);
      expect(await servedBytes(store)).toEqual(before);
      expect(await store.query(`SELECT id FROM loads WHERE status = 'loading'`)).toEqual([]);
    });
  });
}

