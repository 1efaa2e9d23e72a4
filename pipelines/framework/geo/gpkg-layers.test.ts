import { describe, it, expect } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findGeoPackages, readPolygonLayers } from './gpkg-layers.js';

const samples = join(import.meta.dirname, '../../../samples/arcep-couverture');

describe('GeoPackage polygon layers', () => {
  it('finds GeoPackages inside archives and reads each layer grouped by an attribute', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'gpkg-layers-'));
    try {
      const inputs = await findGeoPackages([join(samples, '2026_T1_couv_Metropole_OF_4G_data.gpkg.7z'), join(samples, 'README.md')], workDir);
      expect(inputs).toHaveLength(1);
      expect(inputs[0].from).toBe(join(samples, '2026_T1_couv_Metropole_OF_4G_data.gpkg.7z'));
      const seen: number[] = [];
      const layers = [...readPolygonLayers(inputs, {
        sourceId: 'test', first: ['OPERATEUR', 'absent'], distinct: ['dept'],
        group: (value, row) => { seen.push(row); return value('niveau') ?? '-'; },
      })];
      expect(layers).toHaveLength(1);
      const [layer] = layers;
      expect(layer).toMatchObject({ table: 'couverture', epsg: 2154, features: 3, first: { OPERATEUR: '20801', absent: null }, distinct: { dept: ['05'] } });
      expect([...layer.groups.keys()]).toEqual(['TBC', 'BC', 'CL']);
      expect(layer.groups.get('BC')).toHaveLength(2);
      expect(seen).toEqual([1, 2, 3]);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });

  it('lets the source refuse a layer before its features', () => {
    const inputs = [{ file: join(samples, '2026_T1_couv_Metropole_OF_3G_data.gpkg'), from: join(samples, '2026_T1_couv_Metropole_OF_3G_data.gpkg') }];
    expect(() => [...readPolygonLayers(inputs, {
      sourceId: 'test', check: (layer, _input, has) => { if (!has('absent')) throw new Error(`refused ${layer.table}`); }, group: () => 'x',
    })]).toThrow('refused couverture');
  });
});
