import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { getTableConfig } from 'drizzle-orm/pg-core';
import { openPglite, type Store } from '../db/client.js';
import pipeline from '../../pipelines/ban/source.js';
import { banAdresses } from '../db/schema.js';
import { BAN_HEADER } from '../contract/ban.js';
import { registryEntry, runPipeline, type PipelineRun } from '../../tests/helpers/run-pipeline.js';
import { addressCodes, isAddressLoad, streamAddresses } from './addresses.js';

const NATIONAL = join(import.meta.dirname, '../../samples/ban/ban-france-extrait.csv.gz');
let store: Store;
let run: PipelineRun;

async function text(stream: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(stream).text();
}

beforeAll(async () => {
  store = await openPglite();
  // The table as src/db/schema.ts declares it (the migration is generated from that file).
  const table = getTableConfig(banAdresses);
  await store.query(`CREATE TABLE ${table.name} (${table.columns.map((c) => `${c.name} ${c.getSQLType()}${c.notNull ? ' NOT NULL' : ''}`).join(', ')})`);
  await store.query(`CREATE INDEX ban_adresses_load_commune ON ${table.name} (load_id, code_insee, id)`);
  run = await runPipeline(pipeline, { source: registryEntry('ban'), files: [NATIONAL] });
  const bulk = run.bulk.get('ban_adresses')!;
  await store.copy('ban_adresses', bulk.columns, bulk.rows);
});
afterAll(async () => store?.close());

const original = gunzipSync(readFileSync(NATIONAL)).toString('utf8').split('\n').filter(Boolean);
const linesOf = (code: string) => original.slice(1).filter((l) => l.split(';')[6] === code);

describe('BAN addresses route streaming', () => {
  it('recognises the load and the codes of a commune', () => {
    expect(isAddressLoad(run.output.metadata)).toBe(true);
    expect(isAddressLoad({ definitions: {} })).toBe(false);
    const paris = run.records.find((r) => r.code === '75056')!;
    expect(addressCodes(paris.data, '75056')).toEqual(['75106', '75107']);
  });

  it('streams a commune as the BAN csv, byte for byte, across pages', async () => {
    const csv = await text(streamAddresses(store, 1, ['05006'], 'csv', 500));
    const lines = csv.split('\n').filter(Boolean);
    expect(lines[0]).toBe(BAN_HEADER);
    expect(lines.length - 1).toBe(1183);
    expect(lines.slice(1).sort()).toEqual(linesOf('05006').sort());
  });

  it('loses no address when several share an id, even one row per page', async () => {
    const byCode = new Map<string, string[]>();
    for (const line of original.slice(1)) {
      const [id, , , , , , code] = line.split(';');
      byCode.set(code, [...(byCode.get(code) ?? []), id]);
    }
    const [code, ids] = [...byCode].find(([, list]) => new Set(list).size < list.length)!;
    const csv = await text(streamAddresses(store, 1, [code], 'csv', 1));
    expect(csv.split('\n').filter(Boolean).length - 1).toBe(ids.length);
  });

  it('streams Paris from its arrondissements, and GeoJSON points', async () => {
    const csv = await text(streamAddresses(store, 1, ['75106', '75107'], 'csv'));
    expect(csv.split('\n').filter(Boolean).length).toBe(4);
    const geojson = JSON.parse(await text(streamAddresses(store, 1, ['05001'], 'geojson', 200))) as GeoJSON.FeatureCollection<GeoJSON.Point>;
    expect(geojson.features).toHaveLength(524);
    const f = geojson.features.find((x) => x.properties!.id === '05001_0100_00006')!;
    expect(f.geometry.coordinates).toEqual([6.943505, 44.821071]);
    expect(f.properties).toMatchObject({ code_insee_ancienne_commune: '05001', nom_ancienne_commune: 'Abriès', rep: null });
    const empty = JSON.parse(await text(streamAddresses(store, 1, ['99999'], 'geojson')));
    expect(empty).toEqual({ type: 'FeatureCollection', features: [] });
  });
});
