import { describe, expect, it } from 'vitest';
import { BoxGrid, type Box } from './box-grid.js';

describe('BoxGrid', () => {
  it('lists among a point’s candidates every box that holds it, and nothing outside the extent', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const boxes: Box[] = Array.from({ length: 300 }, () => {
      const x = random() * 10, y = 40 + random() * 5;
      return [x, y, x + random() * 0.8, y + random() * 0.5];
    });
    const grid = new BoxGrid(boxes);
    for (let k = 0; k < 20_000; k++) {
      const x = random() * 11 - 0.5, y = 39.5 + random() * 6;
      const holding = boxes.flatMap((b, i) => (x >= b[0] && x <= b[2] && y >= b[1] && y <= b[3] ? [i] : []));
      const cell = grid.cellOf(x, y);
      const candidates = cell < 0 ? [] : [...grid.items.subarray(grid.starts[cell], grid.starts[cell + 1])];
      for (const i of holding) expect(candidates).toContain(i);
    }
    // The corners of the extent belong to a cell.
    const minX = Math.min(...boxes.map((b) => b[0])), maxY = Math.max(...boxes.map((b) => b[3]));
    expect(grid.cellOf(minX, maxY)).toBeGreaterThanOrEqual(0);
    expect(grid.cellOf(minX - 1, maxY)).toBe(-1);
  });

  it('handles a single box and degenerate extents', () => {
    const grid = new BoxGrid([[1, 1, 1, 1]]);
    expect(grid.cellOf(1, 1)).toBe(0);
    expect([...grid.items]).toEqual([0]);
  });
});
