import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandInputs } from './archive.js';
import { reprojectToWgs84 } from './crs.js';
import { type Areal, geodesicArea } from '../../../src/geo/measure.js';
import { dbfFieldNames, inspectShapefile, readDbf, readShapefile } from './shp.js';
import { readFileSync } from 'node:fs';

const samples = join(import.meta.dirname, '../../../samples/communes-contours');
const reference = (JSON.parse(readFileSync(join(samples, 'reference-areas.json'), 'utf8')) as { aires: Record<string, number> }).aires;

describe('IGN shapefiles inside 7z archives', () => {
  it('unpacks, reads .prj/.cpg and reprojects real Réunion polygons from RGR92 / UTM 40S', async () => {
    const work = mkdtempSync(join(tmpdir(), 'shp-'));
    const found = await expandInputs([join(samples, 'ADMIN-EXPRESS-COG_SHP_RGR92UTM40S_REU_extrait-974.7z')], work, (n) => /^COMMUNE\.shp$/i.test(n));
    expect(found).toHaveLength(1);
    const info = inspectShapefile(found[0].file);
    expect(info.epsg).toBe(2975);
    expect(info.encoding).toBe('utf-8');
    expect(dbfFieldNames(info.dbf)).toEqual(['INSEE_COM', 'NOM', 'INSEE_DEP']);
    const names = [];
    for await (const r of readDbf(info)) names.push(r.NOM);
    expect(names).toContain('Saint-Benoît');
    let n = 0;
    for await (const f of readShapefile(info)) {
      n++;
      const wgs = reprojectToWgs84(f.geometry as Areal, info.epsg);
      const code = String(f.properties!.INSEE_COM);
      expect(code).toMatch(/^974\d\d$/);
      expect(Math.abs(geodesicArea(wgs) - reference[code]) / reference[code]).toBeLessThan(1e-4);
    }
    expect(n).toBe(24);
  });
});
