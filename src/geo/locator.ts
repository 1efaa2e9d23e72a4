/**
 * "Which commune contains this point?": a flatbush index over the bounding
 * boxes of every polygon part, then turf's booleanPointInPolygon on the few
 * candidates. Paris, Lyon and Marseille answer both the commune and the
 * arrondissement municipal when the contours hold both (Etalab, ADMIN EXPRESS).
 */
import Flatbush from 'flatbush';
import { booleanPointInPolygon } from '@turf/turf';
import { type Areal, type BBox, bbox } from './measure.js';

export interface Located {
  /** Current commune (the PLM parent for a point in an arrondissement). */
  commune: string;
  /** Arrondissement municipal, for Paris, Lyon and Marseille. */
  arrondissement?: string;
}

export interface ContourEntry {
  code: string;
  geometry: Areal;
}

/** Parent commune of an arrondissement municipal (referential.plmParent). */
export type ParentOf = (code: string) => string | undefined;

export class PolygonIndex {
  private readonly index: Flatbush | undefined;
  /** Per indexed part: owning entry and the part's rings. */
  private readonly partOwner: Int32Array;
  private readonly parts: GeoJSON.Position[][][];
  readonly codes: string[] = [];

  constructor(entries: Iterable<ContourEntry>) {
    const parts: GeoJSON.Position[][][] = [];
    const owners: number[] = [];
    const boxes: BBox[] = [];
    for (const e of entries) {
      const at = this.codes.length;
      this.codes.push(e.code);
      const polys = e.geometry.type === 'Polygon' ? [e.geometry.coordinates] : e.geometry.coordinates;
      for (const p of polys) {
        if (!p.length || p[0].length < 4) continue;
        parts.push(p);
        owners.push(at);
        boxes.push(bbox({ type: 'Polygon', coordinates: [p[0]] }));
      }
    }
    this.parts = parts;
    this.partOwner = Int32Array.from(owners);
    if (parts.length) {
      const index = new Flatbush(parts.length);
      for (const b of boxes) index.add(b[0], b[1], b[2], b[3]);
      index.finish();
      this.index = index;
    }
  }

  get size(): number {
    return this.codes.length;
  }

  /** Codes of every polygon containing the point (boundary included), in index order. */
  search(lon: number, lat: number): string[] {
    if (!this.index || !Number.isFinite(lon) || !Number.isFinite(lat)) return [];
    const hits = new Set<number>();
    for (const i of this.index.search(lon, lat, lon, lat)) {
      const owner = this.partOwner[i];
      if (hits.has(owner)) continue;
      if (booleanPointInPolygon([lon, lat], { type: 'Polygon', coordinates: this.parts[i] })) hits.add(owner);
    }
    return [...hits].sort((a, b) => a - b).map((i) => this.codes[i]);
  }

  /** Candidate codes from the bounding boxes alone (for callers doing their own test). */
  candidates(minX: number, minY: number, maxX: number, maxY: number): string[] {
    if (!this.index) return [];
    return [...new Set(this.index.search(minX, minY, maxX, maxY).map((i) => this.codes[this.partOwner[i]]))];
  }
}

/**
 * Resolves the polygons containing a point to one commune (and arrondissement).
 * A point on a shared border belongs to the first code in sort order, so that
 * the answer is stable.
 */
export function resolveLocation(codes: string[], parentOf: ParentOf): Located | undefined {
  if (!codes.length) return undefined;
  const sorted = [...codes].sort();
  const arrondissement = sorted.find((c) => parentOf(c) !== undefined);
  if (arrondissement) return { commune: parentOf(arrondissement)!, arrondissement };
  return { commune: sorted[0] };
}

export class CommuneLocator {
  private readonly index: PolygonIndex;

  constructor(entries: Iterable<ContourEntry>, private readonly parentOf: ParentOf = () => undefined) {
    this.index = new PolygonIndex(entries);
  }

  get size(): number {
    return this.index.size;
  }

  locate(lon: number, lat: number): Located | undefined {
    return resolveLocation(this.index.search(lon, lat), this.parentOf);
  }
}

/**
 * The same answer from a handful of candidates already filtered by bounding
 * box elsewhere (e.g. SQL on stored bbox columns), without building an index.
 */
export function locateAmong(candidates: Iterable<ContourEntry>, lon: number, lat: number, parentOf: ParentOf): Located | undefined {
  const codes: string[] = [];
  for (const c of candidates) if (booleanPointInPolygon([lon, lat], c.geometry)) codes.push(c.code);
  return resolveLocation(codes, parentOf);
}
