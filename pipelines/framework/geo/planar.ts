/**
 * Planar polygons as plain coordinate arrays, in a projected CRS (metres):
 * area, bounding box and point-in-polygon without building GeoJSON objects per
 * call. Written once for the overlay of covered-area.ts and for the sources and
 * benches that measure polygons of a projected layer.
 */

export type Ring = number[][];
export type Poly = Ring[];
export type Box = [number, number, number, number];

export function ringArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  return s / 2;
}

/** Area of a polygon with holes (outer ring minus holes), orientation-independent. */
export function polyArea(p: Poly): number {
  if (!p.length) return 0;
  let a = Math.abs(ringArea(p[0]));
  for (let h = 1; h < p.length; h++) a -= Math.abs(ringArea(p[h]));
  return Math.max(0, a);
}

export function boxOf(p: Poly): Box {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (const [x, y] of p[0] ?? []) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** Smallest box holding all `boxes` (an empty, inverted box when there are none). */
export function unionBox(boxes: Box[]): Box {
  const b: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const x of boxes) {
    b[0] = Math.min(b[0], x[0]); b[1] = Math.min(b[1], x[1]); b[2] = Math.max(b[2], x[2]); b[3] = Math.max(b[3], x[3]);
  }
  return b;
}

export function boxesOverlap(a: Box, b: Box): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

function ringContains(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const yi = ring[i][1];
    const yj = ring[j][1];
    if (yi > y !== yj > y && x < ((ring[j][0] - ring[i][0]) * (y - yi)) / (yj - yi) + ring[i][0]) inside = !inside;
  }
  return inside;
}

export function polyContains(p: Poly, x: number, y: number): boolean {
  if (!p.length || !ringContains(p[0], x, y)) return false;
  for (let h = 1; h < p.length; h++) if (ringContains(p[h], x, y)) return false;
  return true;
}

/** Polygons of a GeoJSON areal geometry (coordinates as given). */
export function polygonsOf(g: GeoJSON.Geometry | null | undefined): Poly[] {
  if (!g) return [];
  if (g.type === 'Polygon') return [g.coordinates];
  if (g.type === 'MultiPolygon') return g.coordinates;
  if (g.type === 'GeometryCollection') return g.geometries.flatMap(polygonsOf);
  return [];
}
