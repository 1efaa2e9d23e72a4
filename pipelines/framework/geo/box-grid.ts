/**
 * Boxes bucketed in a uniform grid over their extent, for point queries that
 * allocate nothing: the candidates of a point are `items[starts[cell]]` to
 * `items[starts[cell + 1] - 1]`. Used per address (26 M on the national file),
 * where flatbush's search, which allocates two arrays per call, cost more in
 * garbage collection than the point-in-polygon tests themselves.
 */
export type Box = readonly [minX: number, minY: number, maxX: number, maxY: number];

export class BoxGrid {
  readonly starts: Int32Array;
  readonly items: Int32Array;
  private readonly minX: number;
  private readonly minY: number;
  private readonly maxX: number;
  private readonly maxY: number;
  private readonly cellWidth: number;
  private readonly cellHeight: number;
  private readonly size: number;

  constructor(boxes: readonly Box[]) {
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (const b of boxes) {
      if (b[0] < minX) minX = b[0];
      if (b[1] < minY) minY = b[1];
      if (b[2] > maxX) maxX = b[2];
      if (b[3] > maxY) maxY = b[3];
    }
    // About four cells per box: a point then has one or two candidates.
    const size = Math.min(256, Math.max(1, Math.ceil(2 * Math.sqrt(boxes.length))));
    this.size = size;
    this.cellWidth = (maxX - minX) / size || 1;
    this.cellHeight = (maxY - minY) / size || 1;
    this.minX = minX;
    this.minY = minY;
    this.maxX = maxX;
    this.maxY = maxY;
    const counts = new Int32Array(size * size + 1);
    const span = (b: Box) => [this.column(b[0]), this.row(b[1]), this.column(b[2]), this.row(b[3])] as const;
    for (const b of boxes) {
      const [c0, r0, c1, r1] = span(b);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) counts[r * size + c + 1]++;
    }
    for (let k = 1; k < counts.length; k++) counts[k] += counts[k - 1];
    this.starts = counts;
    this.items = new Int32Array(counts[counts.length - 1]);
    const next = counts.slice(0, -1);
    boxes.forEach((b, i) => {
      const [c0, r0, c1, r1] = span(b);
      for (let r = r0; r <= r1; r++) for (let c = c0; c <= c1; c++) this.items[next[r * size + c]++] = i;
    });
  }

  private column(x: number): number { return Math.min(this.size - 1, Math.max(0, Math.floor((x - this.minX) / this.cellWidth))); }
  private row(y: number): number { return Math.min(this.size - 1, Math.max(0, Math.floor((y - this.minY) / this.cellHeight))); }

  /** The cell holding (x, y), or -1 outside every box's extent. */
  cellOf(x: number, y: number): number {
    if (!(x >= this.minX && x <= this.maxX && y >= this.minY && y <= this.maxY)) return -1;
    return this.row(y) * this.size + this.column(x);
  }
}
