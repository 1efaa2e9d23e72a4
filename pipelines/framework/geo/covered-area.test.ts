import { describe, it, expect } from 'vitest';
import { coveredArea, cutPolygons, intersectionArea, PieceIndex, pieces } from './covered-area.js';
import { boxOf, polyArea, type Poly } from './planar.js';

const square = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
const circle = (cx: number, cy: number, r: number, n = 180, wobble = 0) => {
  const pts = Array.from({ length: n }, (_, i) => {
    const t = (2 * Math.PI * i) / n;
    const rr = r * (1 + wobble * Math.sin(7 * t));
    return [cx + rr * Math.cos(t), cy + rr * Math.sin(t)];
  });
  return [...pts, pts[0]];
};

describe('coverage geometry', () => {
  it('intersects two polygons exactly, holes and orientation included', () => {
    const a: Poly = [square(0, 0, 10, 10)];
    const b: Poly = [square(5, 5, 15, 15)];
    expect(intersectionArea(a, boxOf(a), b, boxOf(b))).toBeCloseTo(25, 9);
    const holed: Poly = [square(0, 0, 10, 10), square(2, 2, 8, 8).reverse()];
    expect(intersectionArea(holed, boxOf(holed), b, boxOf(b))).toBeCloseTo(25 - 9, 9);
    const clockwise: Poly = [[...square(5, 5, 15, 15)].reverse()];
    expect(intersectionArea(a, boxOf(a), clockwise, boxOf(clockwise))).toBeCloseTo(25, 9);
    const far: Poly = [square(20, 20, 30, 30)];
    expect(intersectionArea(a, boxOf(a), far, boxOf(far))).toBe(0);
  });

  it('cuts a ring-shaped polygon into pieces that add up to it', () => {
    const ring: Poly = [circle(0, 0, 1000, 720, 0.1), [...circle(0, 0, 400, 360, 0.2)].reverse()];
    const parts = pieces(ring, 64);
    expect(parts.length).toBeGreaterThan(10);
    expect(parts.every((p) => p.reduce((n, r) => n + r.length, 0) <= 64 + 8)).toBe(true);
    expect(parts.reduce((s, p) => s + polyArea(p), 0)).toBeCloseTo(polyArea(ring), 3);
  });

  it('measures coverage inside a commune from pieces on both sides', () => {
    const coverage = new PieceIndex([[circle(0, 0, 1000, 720, 0.1), [...circle(0, 0, 400, 360, 0.2)].reverse()]], 64);
    // The square x ∈ [0, 2000], y ∈ [-2000, 2000] with 100 points per side, so that it is cut into pieces too.
    const side = (x0: number, y0: number, x1: number, y1: number) => Array.from({ length: 100 }, (_, i) => [x0 + ((x1 - x0) * i) / 100, y0 + ((y1 - y0) * i) / 100]);
    const dense = [...side(0, -2000, 2000, -2000), ...side(2000, -2000, 2000, 2000), ...side(2000, 2000, 0, 2000), ...side(0, 2000, 0, -2000)];
    const commune: Poly = [[...dense, dense[0]]];
    const cut = pieces(commune, 32);
    expect(cut.length).toBeGreaterThan(8);
    const area = coveredArea(coverage, { pieces: cut, boxes: cut.map(boxOf) }, { pairs: 0 });
    // The half-plane x ≥ 0 holds half of a centred, symmetric-in-y ring... up to the 7-fold wobble: compare with a fine grid.
    let inside = 0;
    const n = 800;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      const x = ((i + 0.5) / n) * 1200;
      const y = -1200 + ((j + 0.5) / n) * 2400;
      if (coverage.contains(x, y)) inside++;
    }
    expect(area).toBeCloseTo((inside / (n * n)) * 1200 * 2400, -3);
    expect(Math.abs(area - (inside / (n * n)) * 1200 * 2400) / area).toBeLessThan(0.002);
  });

  it('cuts polygons once and counts points inside an index, marking them', () => {
    const cut = cutPolygons([[square(0, 0, 10, 10)], [square(20, 0, 30, 5)]], 16);
    expect(cut.area).toBeCloseTo(150, 9);
    expect(cut.box).toEqual([0, 0, 30, 10]);
    expect(cut.boxes).toHaveLength(cut.pieces.length);
    const index = new PieceIndex([[square(0, 0, 10, 10)]]);
    const hits = new Uint8Array(3);
    expect(index.countInside(Float64Array.from([1, 1, 15, 5, 9, 9]), hits)).toBe(2);
    expect([...hits]).toEqual([1, 0, 1]);
  });
});
