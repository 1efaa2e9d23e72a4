import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testReferential } from '../../../tests/helpers/run-pipeline.js';
import type { CommuneRecord } from '../../../src/contract/dataset.js';
import type { SourceDefinition } from '../../../src/contract/registry.js';
import { SourceError } from '../errors.js';
import { DepartementScope } from '../scope.js';
import { GroupProjector } from './groups.js';
import { type LayerSpec, openLayers, planPolygons, projectPolygons } from './polygon-source.js';
import { unionPolygons } from './polygon-union.js';

const square = (x: number, y: number, d = 0.01): GeoJSON.Polygon => ({ type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] });
const dir = mkdtempSync(join(tmpdir(), 'polygon-source-'));
function file(name: string, features: { properties: Record<string, unknown>; geometry: GeoJSON.Geometry | null }[]): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', ...f })) }));
  return path;
}

function context(files: string[], departements: string[] = []) {
  const referential = testReferential();
  const notes = new Map<string, number | string>();
  const rejected = new Map<string, number>();
  const counts = { read: 0, projected: 0 };
  return {
    notes, rejected, counts,
    ctx: {
      source: { id: 'essai' } as SourceDefinition, files, workDir: dir, referential,
      scope: new DepartementScope(departements, referential),
      progress: { update() {} },
      report: {
        read: (n = 1) => { counts.read += n; },
        projected: (n = 1) => { counts.projected += n; },
        rejected: (reason: string, n = 1) => { rejected.set(reason, (rejected.get(reason) ?? 0) + n); },
        note: (key: string, value: number | string) => { notes.set(key, value); },
      },
    },
  };
}

const SPEC: LayerSpec<'code' | 'nom'> = {
  select: {},
  none: 'aucune couche',
  attributes: { code: ['CODE', 'code'], nom: ['nom'] },
  optional: ['nom'],
  missing: (names, found) => ({ problem: `${names.join(' / ')} absent (${found.join(', ')})`, column: names[0] }),
};

describe('polygon sources', () => {
  it('binds attributes by their first present spelling and names file, line and column when one is missing', async () => {
    const good = file('good.geojson', [{ properties: { code: '35238' }, geometry: null }]);
    const { layers } = await openLayers(context([good]).ctx, SPEC);
    expect(layers[0].fields).toEqual({ code: 'code', nom: undefined });
    const bad = file('bad.geojson', [{ properties: { insee: '35238' }, geometry: null }]);
    const error = await openLayers(context([bad]).ctx, SPEC).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceError);
    expect((error as Error).message).toBe('[essai] bad.geojson, ligne 1, colonne CODE: CODE / code absent (insee)');
  });

  it('reads only the first preferred tier of layers and lists the others', async () => {
    const a = file('x_WGS84.geojson', [{ properties: { code: '35238' }, geometry: null }]);
    const b = file('x_LB93.geojson', [{ properties: { code: '35238' }, geometry: null }]);
    const { layers, ignored } = await openLayers(context([a, b]).ctx, { ...SPEC, prefer: [{ format: 'gpkg' }, { format: 'geojson', name: /WGS84/ }] });
    expect(layers.map((l) => l.source.label)).toEqual(['x_WGS84.geojson']);
    expect(ignored).toEqual(['x_LB93.geojson']);
  });

  it('re-keys each feature, filters by département, and unions the polygons of merged communes', async () => {
    const path = file('communes.geojson', [
      { properties: { code: '35062' }, geometry: square(-1.3, 48.3) },
      { properties: { code: '35112' }, geometry: square(-1.29, 48.3) }, // Fleurigné, merged into 35062
      { properties: { code: '99999' }, geometry: square(0, 45) },
      { properties: { code: '05001' }, geometry: square(6.9, 44.8) },
      { properties: { code: '35238' }, geometry: null },
    ]);
    const { ctx, notes, rejected, counts } = context([path], ['35']);
    const { layers } = await openLayers(ctx, SPEC);
    const plan = await planPolygons(ctx, layers, { commune: (a) => String(a.code) });
    expect(notes.get('hors des départements demandés')).toBe(2); // 99999 unknown: its département is not asked either
    const groups = new GroupProjector<GeoJSON.Polygon, CommuneRecord>(plan.expected, (code, parts) => ({ code, data: { parts: parts.length, union: unionPolygons(parts) } }));
    let done: Set<string> | undefined;
    const records: CommuneRecord[] = [];
    for await (const r of projectPolygons(ctx, layers, plan, { phase: 'essai', projector: groups, part: (_, g) => g as GeoJSON.Polygon, end: (d) => { done = d; } })) records.push(r);
    expect(records.map((r) => [r.code, r.data.parts])).toEqual([['35062', 2]]);
    expect((records[0].data.union as { geometry: GeoJSON.Geometry; unioned: boolean })).toMatchObject({ unioned: true, geometry: { type: 'Polygon' } });
    expect(counts).toEqual({ read: 3, projected: 2 });
    expect([...rejected]).toEqual([['géométrie absente', 1]]);
    expect([...done!]).toEqual(['35062']);
  });
});
