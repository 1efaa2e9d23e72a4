/**
 * Measures of WGS84 polygons: geodesic area on the GRS80/WGS84 ellipsoid,
 * a point guaranteed inside, and the bounding box.
 */
import { booleanPointInPolygon, pointOnFeature } from '@turf/turf';

export type Areal = GeoJSON.Polygon | GeoJSON.MultiPolygon;

export function isAreal(g: GeoJSON.Geometry | null): g is Areal {
  return g?.type === 'Polygon' || g?.type === 'MultiPolygon';
}

export type BBox = [number, number, number, number];

// GRS80 (WGS84 differs in the 9th digit of 1/f, far below what matters here).
const A = 6378137;
const F = 1 / 298.257222101;
const E2 = F * (2 - F);
const E = Math.sqrt(E2);

function q(sinPhi: number): number {
  const es = E * sinPhi;
  return (1 - E2) * (sinPhi / (1 - E2 * sinPhi * sinPhi) - (1 / (2 * E)) * Math.log((1 - es) / (1 + es)));
}
const QP = q(1);
/** Radius of the sphere with the ellipsoid's area (authalic radius), squared. */
const RQ2 = (A * A * QP) / 2;
const DEG = Math.PI / 180;

/**
 * Area in m² of a lon/lat ring on the ellipsoid: latitudes are mapped to
 * authalic latitudes, where the cylindrical equal-area projection is exact,
 * and the shoelace formula is applied there. Edges are then straight in that
 * projection instead of geodesics, a difference far below a square metre for
 * the dense rings of administrative boundaries. Sign gives the orientation.
 */
export function ringArea(ring: GeoJSON.Position[]): number {
  const n = ring.length;
  if (n < 4) return 0;
  const lon0 = ring[0][0];
  let sum = 0;
  let x1 = 0;
  let y1 = q(Math.sin(ring[0][1] * DEG)) / QP;
  for (let i = 1; i < n; i++) {
    const x2 = (ring[i][0] - lon0) * DEG;
    const y2 = q(Math.sin(ring[i][1] * DEG)) / QP;
    sum += (x2 - x1) * (y2 + y1);
    x1 = x2;
    y1 = y2;
  }
  return (-sum / 2) * RQ2;
}

/** Geodesic area in m² of a polygon or multipolygon in WGS84 (holes subtracted). */
export function geodesicArea(geometry: Areal): number {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let total = 0;
  for (const rings of polygons) {
    rings.forEach((ring, i) => {
      const a = Math.abs(ringArea(ring));
      total += i === 0 ? a : -a;
    });
  }
  return Math.max(0, total);
}

export interface Surface {
  m2: number;
  km2: number;
}

export function surface(geometry: Areal): Surface {
  const m2 = geodesicArea(geometry);
  return { m2: Math.round(m2), km2: Math.round(m2 / 1e4) / 100 };
}

export function bbox(geometry: GeoJSON.Geometry): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const visit = (p: GeoJSON.Position) => {
    if (p[0] < minX) minX = p[0];
    if (p[0] > maxX) maxX = p[0];
    if (p[1] < minY) minY = p[1];
    if (p[1] > maxY) maxY = p[1];
  };
  const walk = (g: GeoJSON.Geometry) => {
    switch (g.type) {
      case 'Point': visit(g.coordinates); break;
      case 'MultiPoint': case 'LineString': g.coordinates.forEach(visit); break;
      case 'MultiLineString': case 'Polygon': g.coordinates.forEach((r) => r.forEach(visit)); break;
      case 'MultiPolygon': g.coordinates.forEach((p) => p.forEach((r) => r.forEach(visit))); break;
      case 'GeometryCollection': g.geometries.forEach(walk); break;
    }
  };
  walk(geometry);
  return [minX, minY, maxX, maxY];
}

/**
 * A point strictly inside the polygon: turf's pointOnFeature (the centre of
 * the bbox when it falls inside), otherwise — it then answers a boundary
 * vertex — the middle of the widest inside stretch of a horizontal line across
 * the largest part, which is always interior.
 */
export function pointInside(geometry: Areal): GeoJSON.Position {
  const candidate = pointOnFeature({ type: 'Feature', properties: {}, geometry }).geometry.coordinates;
  if (booleanPointInPolygon(candidate, geometry, { ignoreBoundary: true })) return candidate;
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  let largest = parts[0];
  let largestArea = -1;
  for (const p of parts) {
    const a = Math.abs(ringArea(p[0]));
    if (a > largestArea) {
      largest = p;
      largestArea = a;
    }
  }
  const [, minY, , maxY] = bbox({ type: 'Polygon', coordinates: largest });
  // Several scan lines, in case one runs along an edge or through a vertex.
  for (const t of [0.5, 0.382, 0.618, 0.25, 0.75, 0.1, 0.9]) {
    const y = minY + (maxY - minY) * t;
    const xs: number[] = [];
    for (const ring of largest) {
      for (let i = 1; i < ring.length; i++) {
        const [xa, ya] = ring[i - 1];
        const [xb, yb] = ring[i];
        if ((ya > y) !== (yb > y)) xs.push(xa + ((y - ya) * (xb - xa)) / (yb - ya));
      }
    }
    xs.sort((a, b) => a - b);
    let best: GeoJSON.Position | undefined;
    let width = 0;
    for (let i = 0; i + 1 < xs.length; i += 2) {
      if (xs[i + 1] - xs[i] > width) {
        width = xs[i + 1] - xs[i];
        best = [(xs[i] + xs[i + 1]) / 2, y];
      }
    }
    if (best && booleanPointInPolygon(best, geometry, { ignoreBoundary: true })) return best;
  }
  return candidate;
}
