/**
 * Coverage computation for one overseas territory at real size (La Réunion).
 *
 *   npx tsx bench/couverture-dom.ts [--sites 320] [--cell 25] [--addresses 380000]
 *
 * ARCEP's real layers are not reachable offline, so this builds a realistic one:
 * a signal field of `--sites` antennas (distance decay, terrain-like noise) on a
 * `--cell` metre grid over the island (RGR92 / UTM 40S), banded into TBC/BC/CL
 * polygons by GDAL's `gdal_contour -p` (bench-time only: gdal-bin), which gives
 * the fractal, holed, many-vertex shapes of real coverage maps. It then runs
 * the pipeline's measurement (`communeShapes` + `measureLayer`) on the 24 real
 * commune contours with `--addresses` synthetic address points, and prints
 * times, vertex counts and peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GeoPackage } from '../pipelines/framework/geo/gpkg.js';
import { fromWgs84 } from '../pipelines/framework/geo/crs.js';
import type { CommuneRecord } from '../src/contract/dataset.js';
import { communeShapes, measureLayer, type CoverageLayer } from '../pipelines/arcep-couverture/project.js';
import { polyContains, polygonsOf } from '../pipelines/framework/geo/planar.js';
import type { IntersectionStats } from '../pipelines/framework/geo/covered-area.js';
import { prng } from './prng.js';

const { values } = parseArgs({ options: { sites: { type: 'string', default: '320' }, cell: { type: 'string', default: '25' }, addresses: { type: 'string', default: '380000' } } });
const root = join(import.meta.dirname, '..');
const out = join(root, 'bench/out/couverture-974');
mkdirSync(out, { recursive: true });

const random = prng(974);

const fc = JSON.parse(readFileSync(join(root, 'samples/communes-contours/communes-974-la-reunion.geojson'), 'utf8')) as GeoJSON.FeatureCollection;
const records: CommuneRecord[] = fc.features.map((f) => ({ code: String(f.properties!.code), data: {}, features: [f] }));
const project = fromWgs84(2975);
const island = fc.features.flatMap((f) => polygonsOf(f.geometry)).map((p) => p.map((r) => r.map((pt) => project(pt))));
let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
for (const p of island) for (const [x, y] of p[0]) { minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y); }
const onIsland = (x: number, y: number) => island.some((p) => polyContains(p, x, y));

const cell = Number(values.cell);
const gpkg = join(out, `couverture-974-${values.sites}-${cell}m.gpkg`);
let t = performance.now();
if (!existsSync(gpkg)) {
  // Signal field: antennas mostly on the coast (where people live), decay with distance, low-frequency "terrain" masking.
  const sites: [number, number, number][] = [];
  while (sites.length < Number(values.sites)) {
    const x = minX + random() * (maxX - minX);
    const y = minY + random() * (maxY - minY);
    const r = Math.hypot(x - (minX + maxX) / 2, y - (minY + maxY) / 2) / ((maxX - minX) / 2);
    if (onIsland(x, y) && random() < 0.25 + 0.75 * r) sites.push([x, y, 0.6 + random() * 0.8]);
  }
  const cols = Math.ceil((maxX - minX + 4000) / cell);
  const rows = Math.ceil((maxY - minY + 4000) / cell);
  const x0 = minX - 2000;
  const y0 = minY - 2000;
  const waves = Array.from({ length: 12 }, () => [random() * 2 * Math.PI, 1 / (600 + random() * 4000), random() * 2 * Math.PI, random()]);
  const lines: string[] = [`ncols ${cols}`, `nrows ${rows}`, `xllcorner ${x0}`, `yllcorner ${y0}`, `cellsize ${cell}`, 'NODATA_value -9999'];
  for (let j = rows - 1; j >= 0; j--) {
    const y = y0 + (j + 0.5) * cell;
    const row = new Array<string>(cols);
    for (let i = 0; i < cols; i++) {
      const x = x0 + (i + 0.5) * cell;
      let s = 0;
      for (const [sx, sy, p] of sites) {
        const d2 = (x - sx) ** 2 + (y - sy) ** 2;
        if (d2 < 144e6) s = Math.max(s, p * Math.exp(-Math.sqrt(d2) / 2500));
      }
      let noise = 0;
      for (const [a, f, ph, w] of waves) noise += w * Math.sin((x * Math.cos(a) + y * Math.sin(a)) * f + ph);
      row[i] = (s * (1 + 0.08 * noise) * 10).toFixed(2);
    }
    lines.push(row.join(' '));
  }
  writeFileSync(join(out, 'signal.asc'), lines.join('\n'));
  const bands = join(out, 'bands.gpkg');
  execFileSync('gdal_contour', ['-q', '-p', '-amin', 'vmin', '-amax', 'vmax', '-fl', '1.2', '2.5', '4.5', '1000', join(out, 'signal.asc'), bands, '-f', 'GPKG', '-nln', 'bands']);
  execFileSync('ogr2ogr', ['-f', 'GPKG', '-a_srs', 'EPSG:2975', '-nlt', 'MULTIPOLYGON', '-nln', 'couverture', '-dialect', 'SQLite', '-sql',
    "SELECT geom, '64710' AS operateur, 'SFR Réunion' AS operateur_commercial, '4G' AS techno, 'data' AS usage, '974' AS dept, "
    + "CASE WHEN vmin >= 4.5 THEN 'TBC' WHEN vmin >= 2.5 THEN 'BC' ELSE 'CL' END AS niveau FROM bands WHERE vmin >= 1.2", gpkg, bands]);
}
const buildSeconds = (performance.now() - t) / 1000;

// The layer, read with the pipeline's reader.
t = performance.now();
const g = new GeoPackage(gpkg);
const layerInfo = g.layers()[0];
const levels = new Map<string, number[][][][]>();
let vertices = 0;
let features = 0;
for (const f of g.features(layerInfo)) {
  features++;
  const level = String(f.properties.niveau);
  const polys = polygonsOf(f.geometry);
  for (const p of polys) for (const r of p) vertices += r.length;
  levels.set(level, [...(levels.get(level) ?? []), ...polys]);
}
g.close();
const readSeconds = (performance.now() - t) / 1000;
const layer: CoverageLayer = {
  file: gpkg, from: gpkg, operateur: '64710', operateurCommercial: 'SFR Réunion', techno: '4G', usage: 'data', epsg: 2975,
  departements: ['974'], trimestre: null, levels, features,
};

// Synthetic address points inside communes, clustered like settlements.
t = performance.now();
const shapesStart = performance.now();
const shapes = communeShapes(records, 2975, () => true);
const shapesSeconds = (performance.now() - shapesStart) / 1000;
const points = new Map<string, Float64Array>();
const total = Number(values.addresses);
const areaSum = shapes.reduce((s, c) => s + c.area, 0);
for (const shape of shapes) {
  const n = Math.round((total * shape.area) / areaSum);
  const list: number[] = [];
  const polys = polygonsOf(records.find((r) => r.code === shape.code)!.features![0].geometry).map((p) => p.map((r) => r.map((pt) => project(pt))));
  const centres = Array.from({ length: 12 }, () => [shape.box[0] + random() * (shape.box[2] - shape.box[0]), shape.box[1] + random() * (shape.box[3] - shape.box[1])]);
  while (list.length < 2 * n) {
    const [cx, cy] = centres[Math.floor(random() * centres.length)];
    const x = cx + (random() - 0.5) * 3000;
    const y = cy + (random() - 0.5) * 3000;
    if (polys.some((p) => polyContains(p, x, y))) list.push(x, y);
  }
  points.set(shape.code, Float64Array.from(list));
}
const pointsSeconds = (performance.now() - t) / 1000;

const stats: IntersectionStats = { pairs: 0 };
t = performance.now();
const cpu = process.cpuUsage();
const measured = measureLayer(layer, shapes, points, stats);
const measureSeconds = (performance.now() - t) / 1000;
const used = process.cpuUsage(cpu);
const stDenis = measured.get('97411')!;
console.log(JSON.stringify({
  gpkg, gpkgBytes: readFileSync(gpkg).length, features, vertices, levels: Object.fromEntries([...levels].map(([k, v]) => [k, v.length])),
  buildSeconds: +buildSeconds.toFixed(1), readSeconds: +readSeconds.toFixed(2), communeShapesSeconds: +shapesSeconds.toFixed(2), syntheticAddressesSeconds: +pointsSeconds.toFixed(1),
  measure: { seconds: +measureSeconds.toFixed(2), cpuSeconds: +((used.user + used.system) / 1e6).toFixed(1), communes: measured.size, addresses: total, piecePairs: stats.pairs },
  peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  exemple97411: stDenis,
}, null, 2));
