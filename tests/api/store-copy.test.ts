/**
 * Bulk loading on both drivers: rows (`copy`) and csv text passed through
 * (`copyCsv`), read back the way the API reads them, and an aborted COPY that
 * leaves the store usable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/stores.js';
import type { Store } from '../../src/db/client.js';

const COLUMNS = ['load_id', 'id', 'nom_voie', 'code_insee', 'nom_ld', 'cad_parcelles'];

async function* chunks(...texts: string[]): AsyncGenerator<string> {
  for (const t of texts) yield t;
}

describe.each(storeKinds)('bulk copy on $name', (kind) => {
  let store: Store & { dispose(): Promise<void> };
  beforeAll(async () => { store = await kind.open(); });
  afterAll(async () => { await store.dispose(); });

  const read = (loadId: number) => store.query<Record<string, string | null>>(
    `SELECT id, nom_voie, code_insee, nom_ld, cad_parcelles FROM ban_adresses WHERE load_id = $1 ORDER BY id`, [loadId]);

  it('copy sends rows in text format: tab, newline, carriage return and backslash kept, empty string apart from NULL', async () => {
    const awkward = 'Rue\tdu\\Bourg "haut" \\N\r\nfin';
    await store.copy('ban_adresses', COLUMNS, [[6, 'a', awkward, '05001', '', null], [6, 'b', '\\.', '05001', null, '{"x"}']]);
    expect(await read(6)).toEqual([
      { id: 'a', nom_voie: awkward, code_insee: '05001', nom_ld: '', cad_parcelles: null },
      { id: 'b', nom_voie: '\\.', code_insee: '05001', nom_ld: null, cad_parcelles: '{"x"}' },
    ]);
  });

  it('copy stores JSON text in jsonb as it was written, escapes included', async () => {
    const data = { nom: 'L\'Haÿ "les" \\ Roses\n\tfin', valeurs: { a: 1.5, b: null } };
    await store.copy('commune_datasets', ['load_id', 'code', 'data', 'rows', 'features', 'hash'], [[7, '94038', JSON.stringify(data), null, null, 'h']]);
    expect(await store.query('SELECT data, rows FROM commune_datasets WHERE load_id = 7')).toEqual([{ data, rows: null }]);
  });

  it('copyCsv takes the text as COPY csv: separator inside quotes, doubled quotes, newline inside quotes, empty quoted or not = NULL', async () => {
    await store.copyCsv('ban_adresses', COLUMNS, chunks(
      '1;a;"Rue; du Bourg";05001;;x\n1;b;"Le ""Haut""";05001;"";\n',
      '1;c;"Place du\nMarché";05001;Le Roux;"p1|p2"\n',
    ), { delimiter: ';' });
    expect(await read(1)).toEqual([
      { id: 'a', nom_voie: 'Rue; du Bourg', code_insee: '05001', nom_ld: null, cad_parcelles: 'x' },
      { id: 'b', nom_voie: 'Le "Haut"', code_insee: '05001', nom_ld: null, cad_parcelles: null },
      { id: 'c', nom_voie: 'Place du\nMarché', code_insee: '05001', nom_ld: 'Le Roux', cad_parcelles: 'p1|p2' },
    ]);
  });

  it('copyCsv loads a text larger than one PGlite blob, in order, whole', async () => {
    const line = (i: number) => `2;${String(i).padStart(7, '0')};Chemin ${'x'.repeat(150)};35238;;\n`;
    async function* many(): AsyncGenerator<string> {
      for (let c = 0; c < 25; c++) yield Array.from({ length: 5000 }, (_, k) => line(c * 5000 + k)).join('');
    }
    await store.copyCsv('ban_adresses', COLUMNS, many(), { delimiter: ';' });
    const [row] = await store.query<{ n: number; first: string; last: string }>(
      'SELECT count(*)::int AS n, min(id) AS first, max(id) AS last FROM ban_adresses WHERE load_id = 2');
    expect(row).toEqual({ n: 125_000, first: '0000000', last: '0124999' });
  });

  it('a failing source aborts the COPY, loads nothing, and leaves the store usable', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield '3;a;Rue;05001;;\n';
      throw new Error('source cassée');
    }
    await expect(store.copyCsv('ban_adresses', COLUMNS, failing(), { delimiter: ';' })).rejects.toThrow('source cassée');
    expect(await read(3)).toEqual([]);
    await expect(store.copyCsv('ban_adresses', COLUMNS, chunks('3;a;Rue;05001;;;en trop\n'), { delimiter: ';' })).rejects.toThrow();
    expect(await read(3)).toEqual([]);
    expect(await store.query('SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
  });

  it('refuses a separator that would break the statement', async () => {
    await expect(store.copyCsv('ban_adresses', COLUMNS, chunks(''), { delimiter: "';--" })).rejects.toThrow('séparateur refusé');
  });
});
