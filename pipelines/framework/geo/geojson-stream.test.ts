import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { declaredEpsg, GeoJsonFeatureReader, GeoJsonFormatError } from './geojson-stream.js';

const samples = join(import.meta.dirname, '../../../samples/communes-contours');

async function all(reader: GeoJsonFeatureReader): Promise<GeoJSON.Feature[]> {
  const out: GeoJSON.Feature[] = [];
  for await (const f of reader.features()) out.push(f);
  return out;
}

describe('streaming GeoJSON reader', () => {
  it('yields every feature of a real file, identical to JSON.parse, whatever the chunk size', async () => {
    const file = join(samples, 'communes-35-ille-et-vilaine.geojson');
    const whole = (JSON.parse(readFileSync(file, 'utf8')) as GeoJSON.FeatureCollection).features;
    for (const highWaterMark of [61, 1000, 65536]) {
      const reader = new GeoJsonFeatureReader(file, { highWaterMark });
      const features = await all(reader);
      expect(features).toHaveLength(345);
      expect(features).toEqual(whole);
      expect(reader.members.type).toBe('FeatureCollection');
    }
  });

  it('reads .gz files and top-level members such as an old-style crs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geojson-'));
    const text = '\uFEFF{"type":"FeatureCollection","name":"QP2024_LB93","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::2154"}},"features":[{"type":"Feature","properties":{"code_qp":"QN0000\\"x","n":[1,{"a":"}"}]},"geometry":null},{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[1,2]}}],"bbox":[1,2,3,4]}';
    writeFileSync(join(dir, 'x.geojson.gz'), gzipSync(text));
    const reader = new GeoJsonFeatureReader(join(dir, 'x.geojson.gz'), { highWaterMark: 5 });
    const features = await all(reader);
    expect(features).toHaveLength(2);
    expect(features[0].properties).toEqual({ code_qp: 'QN0000"x', n: [1, { a: '}' }] });
    expect(declaredEpsg(reader.members)).toBe(2154);
    expect(reader.members.name).toBe('QP2024_LB93');
    expect(reader.members.bbox).toEqual([1, 2, 3, 4]);
    expect(declaredEpsg({})).toBeUndefined();
  });

  it('names the file when it is truncated or not a FeatureCollection', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'geojson-'));
    writeFileSync(join(dir, 'cut.geojson'), '{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":null},{"type":"Fea');
    await expect(all(new GeoJsonFeatureReader(join(dir, 'cut.geojson')))).rejects.toThrow(/cut\.geojson.*tronqué/);
    writeFileSync(join(dir, 'nofeat.geojson'), '{"type":"Feature","properties":{},"geometry":null}');
    await expect(all(new GeoJsonFeatureReader(join(dir, 'nofeat.geojson')))).rejects.toThrow(GeoJsonFormatError);
  });
});
