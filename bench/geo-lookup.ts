/**
 * Geography at national scale, from the real polygons of the bundled samples:
 *
 * 1. point → commune look-ups per second over ≈ 35,000 commune polygons (the
 *    345 real communes of Ille-et-Vilaine translated on a 10 × 10 grid, plus
 *    the real Corse-du-Sud, La Réunion and Hautes-Alpes ones), against a
 *    brute-force scan of every bounding box measured in the same run;
 * 2. the IRIS projection (prefix → commune, grouping, records) of ≈ 49,000
 *    IRIS (the 614 real Seine-Saint-Denis IRIS shapes cycled over real COG
 *    codes: 2,000 communes split into 8 IRIS, 33,000 undivided), sorted and
 *    shuffled, against a per-commune scan of all IRIS on a sample of communes;
 * 3. peak RSS of the process.
 *
 *   node --expose-gc --import tsx bench/geo-lookup.ts [--points 200000] [--json]
 *   (or npx tsx bench/geo-lookup.ts; without --expose-gc RSS includes uncollected garbage)
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { booleanPointInPolygon } from '@turf/turf';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { fromWgs84, mapPositions, reprojectToWgs84 } from '../pipelines/framework/geo/crs.js';
import { openFeatureSources } from '../pipelines/framework/geo/feature-source.js';
import { CommuneLocator, type ContourEntry } from '../src/geo/locator.js';
import { type Areal, type BBox, bbox, pointInside } from '../src/geo/measure.js';
import { classifyIris, IrisProjector, type IrisRow } from '../pipelines/iris-contours/project.js';
import { prng as random } from './prng.js';

const root = join(import.meta.dirname, '..');
const args = process.argv.slice(2);
const POINTS = Number(args[args.indexOf('--points') + 1]) || 200_000;
const asJson = args.includes('--json');

/** Collects garbage first when run with --expose-gc, so that RSS figures show live data. */
function rss(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return Math.round(process.memoryUsage().rss / 2 ** 20);
}
function peakRss(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
function log(...s: unknown[]): void {
  if (!asJson) console.log(...s);
}


function readSample(file: string): ContourEntry[] {
  const fc = JSON.parse(readFileSync(join(root, 'samples/communes-contours', file), 'utf8')) as GeoJSON.FeatureCollection<Areal>;
  return fc.features.map((f) => ({ code: String(f.properties!.code), geometry: f.geometry }));
}

function translate(g: Areal, dx: number, dy: number): Areal {
  return mapPositions(g, (p) => [p[0] + dx, p[1] + dy]);
}

// ---------------------------------------------------------------- communes
const ille = readSample('communes-35-ille-et-vilaine.geojson');
const others = readdirSync(join(root, 'samples/communes-contours')).filter((f) => f.endsWith('.geojson') && !f.includes('-35-')).flatMap(readSample);
const ib = ille.map((e) => bbox(e.geometry)).reduce<BBox>((a, b) => [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])], [Infinity, Infinity, -Infinity, -Infinity]);
const stepX = ib[2] - ib[0] + 0.05;
const stepY = ib[3] - ib[1] + 0.05;
const national: ContourEntry[] = [];
for (let i = 0; i < 10; i++) {
  for (let j = 0; j < 10; j++) {
    const dx = -5.2 + i * stepX - ib[0];
    const dy = 41.3 + j * stepY - ib[1];
    for (const e of ille) national.push({ code: `${i}${j}-${e.code}`, geometry: translate(e.geometry, dx, dy) });
  }
}
national.push(...others);
const rssBefore = rss();
let t0 = performance.now();
const locator = new CommuneLocator(national);
const buildMs = performance.now() - t0;

// Query points: half at commune centres (hits), half uniform over the whole extent (many misses).
const rand = random(42);
const extent: BBox = [-5.2, 41.3, -5.2 + 10 * stepX, 41.3 + 10 * stepY];
const centres = national.map((e) => pointInside(e.geometry));
const points: [number, number][] = [];
for (let k = 0; k < POINTS; k++) {
  if (k % 2 === 0) {
    const c = centres[Math.floor(rand() * centres.length)];
    points.push([c[0], c[1]]);
  } else {
    points.push([extent[0] + rand() * (extent[2] - extent[0]), extent[1] + rand() * (extent[3] - extent[1])]);
  }
}

t0 = performance.now();
let hits = 0;
for (const [x, y] of points) if (locator.locate(x, y)) hits++;
const indexMs = performance.now() - t0;
const indexRate = POINTS / (indexMs / 1000);

// Baseline: every bbox scanned, then point-in-polygon on the ones that contain the point.
const boxes = national.map((e) => bbox(e.geometry));
const BASE = Math.min(2_000, POINTS);
t0 = performance.now();
let agree = 0;
for (let k = 0; k < BASE; k++) {
  const [x, y] = points[k];
  let found: string | undefined;
  for (let i = 0; i < national.length; i++) {
    const b = boxes[i];
    if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) continue;
    if (booleanPointInPolygon([x, y], national[i].geometry)) {
      found = national[i].code;
      break;
    }
  }
  const indexed = locator.locate(x, y)?.commune;
  if (indexed === found || (indexed && found && booleanPointInPolygon([x, y], national.find((e) => e.code === indexed)!.geometry))) agree++;
}
const baseMs = performance.now() - t0;
const baseRate = BASE / (baseMs / 1000);
const lookupRss = rss();

// ---------------------------------------------------------------- IRIS
const work = mkdtempSync(join(tmpdir(), 'bench-iris-'));
const irisShapes: { geometry: Areal; type: string; nom: string }[] = [];
for (const source of await openFeatureSources([join(root, 'samples/iris-contours/CONTOURS-IRIS_SHP_LAMB93_FXX_extrait-93.7z')], work, { shp: /^CONTOURS-IRIS\.shp$/i })) {
  for await (const f of source.features()) irisShapes.push({ geometry: f.geometry as Areal, type: String(f.properties.TYP_IRIS), nom: String(f.properties.NOM_IRIS) });
}
rmSync(work, { recursive: true, force: true });
const referential = new Referential(loadDecoupage());
const communeCodes = [...referential.communes()].map((c) => c.code).filter((c) => !referential.arrondissementsOf(c).length);
const rows: { code: string; type: string; nom: string; geometry: Areal }[] = [];
let s = 0;
for (let c = 0; c < 35_000 && c < communeCodes.length; c++) {
  const divided = c < 2_000;
  for (let k = 0; k < (divided ? 8 : 1); k++) {
    const shape = irisShapes[s++ % irisShapes.length];
    rows.push({ code: `${communeCodes[c]}${divided ? String(101 + k).padStart(4, '0') : '0000'}`, type: divided ? (shape.type === 'Z' ? 'H' : shape.type) : 'Z', nom: shape.nom, geometry: shape.geometry });
  }
}

function projectIris(order: typeof rows): { ms: number; records: number; peak: number } {
  const start = performance.now();
  const expected = new Map<string, number>();
  const targets: string[] = [];
  for (const r of order) {
    const d = classifyIris(r.code, r.type, referential);
    if (!d.ok) throw new Error(`${r.code}: ${d.reason}`);
    targets.push(d.target);
    expected.set(d.target, (expected.get(d.target) ?? 0) + 1);
  }
  const projector = new IrisProjector(referential, expected);
  let records = 0;
  order.forEach((r, i) => {
    const row: IrisRow = { code: r.code, nom: r.nom, type: r.type, communeSource: r.code.slice(0, 5), geometry: r.geometry };
    if (projector.add(targets[i], row)) records++;
  });
  for (const _ of projector.finish()) records++;
  return { ms: performance.now() - start, records, peak: projector.peakHeld };
}

const irisRssBefore = rss();
const sorted = projectIris(rows);
const shuffled = [...rows];
for (let i = shuffled.length - 1; i > 0; i--) {
  const j = Math.floor(rand() * (i + 1));
  [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
}
const afterSorted = rss();
const unsorted = projectIris(shuffled);
const afterShuffled = rss();

// Baseline: for each commune, scan every IRIS for its prefix (measured on 200 communes, extrapolated).
const sampleCommunes = communeCodes.slice(0, 200);
t0 = performance.now();
let scanned = 0;
for (const c of sampleCommunes) for (const r of rows) if (r.code.startsWith(c)) scanned++;
const scanMs = ((performance.now() - t0) / sampleCommunes.length) * 35_000;

// Reprojection cost of the whole IRIS set from Lambert-93 (what reading IGN's SHP/GPKG adds).
// Each IRIS is taken to Lambert-93 untimed, then back (timed), one at a time.
const toL93 = fromWgs84(2154);
let reprojectMs = 0;
let vertices = 0;
for (const r of rows) {
  const g = mapPositions(r.geometry, toL93);
  t0 = performance.now();
  const w = reprojectToWgs84(g, 2154);
  reprojectMs += performance.now() - t0;
  vertices += (w.type === 'Polygon' ? [w.coordinates] : w.coordinates).reduce((n, p) => n + p.reduce((m, ring) => m + ring.length, 0), 0);
}

const result = {
  communes: national.length,
  indexBuildMs: Math.round(buildMs),
  lookups: POINTS,
  lookupHits: hits,
  lookupsPerSecond: Math.round(indexRate),
  bruteForceLookupsPerSecond: Math.round(baseRate),
  speedup: Math.round(indexRate / baseRate),
  agreementOnBaselineSample: `${agree}/${BASE}`,
  rssAfterIndexMiB: lookupRss,
  rssBeforeIndexMiB: rssBefore,
  iris: rows.length,
  irisCommunes: sorted.records,
  irisProjectionSortedMs: Math.round(sorted.ms),
  irisProjectionShuffledMs: Math.round(unsorted.ms),
  irisHeldPeakSorted: sorted.peak,
  irisHeldPeakShuffled: unsorted.peak,
  irisScanBaselineMs: Math.round(scanMs),
  irisSpeedupVsScan: Math.round(scanMs / sorted.ms),
  irisReprojectionMs: Math.round(reprojectMs),
  rssWithIrisSetMiB: irisRssBefore,
  rssAfterSortedProjectionMiB: afterSorted,
  rssAfterShuffledProjectionMiB: afterShuffled,
  irisVertices: vertices,
  peakRssMiB: peakRss(),
};
if (scanned === 0) throw new Error('baseline found no IRIS');

if (asJson) console.log(JSON.stringify(result));
else {
  log(`communes: ${result.communes} polygons, flatbush index built in ${result.indexBuildMs} ms (RSS ${rssBefore} → ${lookupRss} MiB)`);
  log(`point look-ups: ${result.lookupsPerSecond.toLocaleString('fr-FR')} /s over ${POINTS.toLocaleString('fr-FR')} points (${hits} in a commune)`);
  log(`  baseline (scan of all bboxes + PIP), same run: ${result.bruteForceLookupsPerSecond.toLocaleString('fr-FR')} /s → index ×${result.speedup}; agreement ${result.agreementOnBaselineSample}`);
  log(`IRIS: ${result.iris} IRIS → ${result.irisCommunes} commune records (RSS with the whole IRIS set and the COG loaded: ${irisRssBefore} MiB)`);
  log(`  projection (prefix, grouping, records): sorted ${result.irisProjectionSortedMs} ms (≤ ${result.irisHeldPeakSorted} IRIS held), shuffled ${result.irisProjectionShuffledMs} ms (≤ ${result.irisHeldPeakShuffled} held)`);
  log(`  baseline (scan of all IRIS per commune, extrapolated to 35,000 communes): ${result.irisScanBaselineMs} ms → ×${result.irisSpeedupVsScan}`);
  log(`  RSS after projection: sorted ${afterSorted} MiB, shuffled ${afterShuffled} MiB`);
  log(`  reprojection Lambert-93 → WGS84 of ${vertices.toLocaleString('fr-FR')} vertices: ${result.irisReprojectionMs} ms`);
  log(`peak RSS: ${result.peakRssMiB} MiB`);
}
