/**
 * The share of a polygon (a commune) covered by a set of polygons (a coverage
 * layer), exactly and at national scale, in a projected CRS (metres). Both
 * sides are cut into small pieces by recursive bisection (rectangle clipping),
 * the covering side is indexed with flatbush, and only pieces whose boxes
 * overlap are intersected — never a whole layer against a whole commune, never
 * all pairs. The same index counts points (addresses) inside the polygons.
 * Generic overlay, hence in the framework rather than in the one source that
 * first needed it (arcep-couverture).
 */
import Flatbush from 'flatbush';
import { boxesOverlap, boxOf, polyArea, polyContains, ringArea, unionBox, type Box, type Poly, type Ring } from './planar.js';

/** Vertex budget of one piece: small enough for a cheap exact intersection. */
export const PIECE_VERTICES = 256;

function vertices(p: Poly): number {
  let n = 0;
  for (const r of p) n += r.length;
  return n;
}

/** Sutherland–Hodgman clipping of one ring against a rectangle (closed ring out, or empty). */
function clipRing(ring: Ring, box: Box): Ring {
  let out = ring;
  for (let edge = 0; edge < 4; edge++) {
    const input = out;
    out = [];
    if (!input.length) break;
    const inside = (pt: number[]) => (edge === 0 ? pt[0] >= box[0] : edge === 1 ? pt[0] <= box[2] : edge === 2 ? pt[1] >= box[1] : pt[1] <= box[3]);
    const cross = (a: number[], b: number[]): number[] => {
      if (edge < 2) {
        const x = edge === 0 ? box[0] : box[2];
        return [x, a[1] + ((b[1] - a[1]) * (x - a[0])) / (b[0] - a[0])];
      }
      const y = edge === 2 ? box[1] : box[3];
      return [a[0] + ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]), y];
    };
    // Work on the open ring (last point = first point in GeoJSON).
    const n = input.length > 1 && input[0][0] === input[input.length - 1][0] && input[0][1] === input[input.length - 1][1] ? input.length - 1 : input.length;
    for (let i = 0; i < n; i++) {
      const cur = input[i];
      const prev = input[(i + n - 1) % n];
      const curIn = inside(cur);
      const prevIn = inside(prev);
      if (curIn) {
        if (!prevIn) out.push(cross(prev, cur));
        out.push(cur);
      } else if (prevIn) out.push(cross(prev, cur));
    }
  }
  if (out.length < 3) return [];
  out.push(out[0]);
  return out;
}

/** Rectangle clipping of a polygon with holes: exact area; degenerate edges may run along the cut. */
function clip(p: Poly, box: Box): Poly | undefined {
  const outer = clipRing(p[0], box);
  if (outer.length < 4 || ringArea(outer) === 0) return undefined;
  const holes: Ring[] = [];
  for (let h = 1; h < p.length; h++) {
    const r = clipRing(p[h], box);
    if (r.length >= 4 && ringArea(r) !== 0) holes.push(r);
  }
  return [outer, ...holes];
}

/**
 * Cuts a polygon into pieces of at most `max` vertices by halving its box
 * along the longer side. Pieces partition the polygon: areas add up and a
 * point lies in exactly one piece (up to the cut lines).
 */
export function pieces(p: Poly, max = PIECE_VERTICES, out: Poly[] = [], depth = 0): Poly[] {
  if (!p.length || p[0].length < 4) return out;
  // A cut adds up to 4 vertices per ring: below ~16 a piece cannot shrink any more.
  if (vertices(p) <= Math.max(max, 16) || depth > 24) {
    out.push(p);
    return out;
  }
  const [minX, minY, maxX, maxY] = boxOf(p);
  const halves: Box[] = maxX - minX >= maxY - minY
    ? [[minX, minY, (minX + maxX) / 2, maxY], [(minX + maxX) / 2, minY, maxX, maxY]]
    : [[minX, minY, maxX, (minY + maxY) / 2], [minX, (minY + maxY) / 2, maxX, maxY]];
  for (const half of halves) {
    const part = clip(p, half);
    if (part) pieces(part, max, out, depth + 1);
  }
  return out;
}

/** A set of polygons cut into pieces and indexed by box. */
export class PieceIndex {
  readonly pieces: Poly[] = [];
  readonly boxes: Box[] = [];
  private index?: Flatbush;

  constructor(polygons: Iterable<Poly>, max = PIECE_VERTICES) {
    for (const p of polygons) for (const piece of pieces(p, max)) {
      this.pieces.push(piece);
      this.boxes.push(boxOf(piece));
    }
    if (this.pieces.length) {
      this.index = new Flatbush(this.pieces.length);
      for (const b of this.boxes) this.index.add(b[0], b[1], b[2], b[3]);
      this.index.finish();
    }
  }

  search(box: Box): number[] {
    return this.index ? this.index.search(box[0], box[1], box[2], box[3]) : [];
  }

  contains(x: number, y: number): boolean {
    if (!this.index) return false;
    for (const i of this.index.search(x, y, x, y)) if (polyContains(this.pieces[i], x, y)) return true;
    return false;
  }

  /** Points (x, y interleaved) inside the polygons; each one found is marked in `hits` when given. */
  countInside(points: Float64Array, hits?: Uint8Array): number {
    let covered = 0;
    for (let i = 0, n = points.length / 2; i < n; i++) {
      if (this.contains(points[2 * i], points[2 * i + 1])) {
        covered++;
        if (hits) hits[i] = 1;
      }
    }
    return covered;
  }
}

/** A polygon (a commune) cut into pieces once, to be measured against every covering layer. */
export interface CutPolygon { pieces: Poly[]; boxes: Box[]; box: Box; area: number }

/** The pieces of `polygons` (already in the projected CRS), with their boxes and total area. */
export function cutPolygons(polygons: Poly[], max = PIECE_VERTICES): CutPolygon {
  const parts = polygons.flatMap((p) => pieces(p, max));
  const boxes = parts.map(boxOf);
  return { pieces: parts, boxes, box: unionBox(boxes), area: parts.reduce((s, p) => s + polyArea(p), 0) };
}

export interface IntersectionStats { pairs: number }

/** Signed area (positive counter-clockwise). */
function signedArea(ring: Ring): number {
  let s = 0;
  for (let i = 0, n = ring.length; i < n - 1; i++) s += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  return s / 2;
}

/** Outer ring counter-clockwise, holes clockwise: the orientation under which ∮ x dy is the area. */
function oriented(p: Poly): Poly {
  return p.map((r, i) => ((signedArea(r) > 0) === (i === 0) ? r : [...r].reverse()));
}

/**
 * ∫ x dy along the parts of `p`'s boundary that lie inside `q`. Each edge is
 * cut where it crosses `q`'s edges; a piece counts when its middle is inside.
 */
function boundaryInside(p: Poly, q: Poly, qBox: Box): number {
  let sum = 0;
  const ts: number[] = [];
  for (const ring of p) {
    for (let i = 0; i < ring.length - 1; i++) {
      const [x1, y1] = ring[i];
      const [x2, y2] = ring[i + 1];
      // An edge outside q's box has no part inside q.
      if (Math.max(x1, x2) < qBox[0] || Math.min(x1, x2) > qBox[2] || Math.max(y1, y2) < qBox[1] || Math.min(y1, y2) > qBox[3]) continue;
      const dx = x2 - x1;
      const dy = y2 - y1;
      ts.length = 0;
      ts.push(0, 1);
      for (const qr of q) {
        for (let j = 0; j < qr.length - 1; j++) {
          const [u1, v1] = qr[j];
          const [u2, v2] = qr[j + 1];
          if (Math.max(u1, u2) < Math.min(x1, x2) || Math.min(u1, u2) > Math.max(x1, x2) || Math.max(v1, v2) < Math.min(y1, y2) || Math.min(v1, v2) > Math.max(y1, y2)) continue;
          const ex = u2 - u1;
          const ey = v2 - v1;
          const den = dx * ey - dy * ex;
          if (den === 0) continue;
          const t = ((u1 - x1) * ey - (v1 - y1) * ex) / den;
          const s2 = ((u1 - x1) * dy - (v1 - y1) * dx) / den;
          if (t > 0 && t < 1 && s2 >= 0 && s2 <= 1) ts.push(t);
        }
      }
      ts.sort((a, b) => a - b);
      for (let k = 0; k < ts.length - 1; k++) {
        const t0 = ts[k];
        const t1 = ts[k + 1];
        if (t1 - t0 < 1e-12) continue;
        const tm = (t0 + t1) / 2;
        if (!polyContains(q, x1 + tm * dx, y1 + tm * dy)) continue;
        const ax = x1 + t0 * dx;
        const bx = x1 + t1 * dx;
        sum += ((ax + bx) / 2) * ((t1 - t0) * dy);
      }
    }
  }
  return sum;
}

/**
 * Exact area of a ∩ b for two small pieces, by Green's theorem: the boundary
 * of the intersection is the part of each boundary inside the other polygon,
 * so its area is ∮ x dy over those parts. No topology is built, so the
 * degenerate edges left along cut lines by rectangle clipping cancel out.
 */
export function intersectionArea(a: Poly, aBox: Box, b: Poly, bBox: Box): number {
  const oa = oriented(a);
  const ob = oriented(b);
  return Math.max(0, boundaryInside(oa, ob, bBox) + boundaryInside(ob, oa, aBox));
}

function pieceIntersectionArea(a: Poly, aBox: Box, b: Poly, bBox: Box, stats: IntersectionStats): number {
  stats.pairs++;
  return intersectionArea(a, aBox, b, bBox);
}

/** Area of (union of the index's polygons) ∩ (commune pieces), pieces being disjoint on both sides. */
export function coveredArea(coverage: PieceIndex, commune: { pieces: Poly[]; boxes: Box[] }, stats: IntersectionStats): number {
  let area = 0;
  for (let k = 0; k < commune.pieces.length; k++) {
    const q = commune.pieces[k];
    const qBox = commune.boxes[k];
    for (const i of coverage.search(qBox)) {
      if (!boxesOverlap(coverage.boxes[i], qBox)) continue;
      area += pieceIntersectionArea(coverage.pieces[i], coverage.boxes[i], q, qBox, stats);
    }
  }
  return area;
}

