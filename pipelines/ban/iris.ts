/**
 * Address → IRIS, by point in polygon against the IRIS of the address's own
 * commune only: a commune with a single IRIS (most of them) needs no geometry,
 * the others get a flatbush index of their IRIS parts, and a ray-casting test
 * runs on the few candidates whose box holds the point.
 */
import Flatbush from 'flatbush';
import type { CommuneRecord } from '../framework/types.js';

type Ring = number[][];
type PolygonCoords = Ring[];

interface Zone { code: string; nom: string | null }
interface CommuneIris {
  zones: Zone[];
  /** Present when the commune has several IRIS: one entry per polygon part. */
  index?: Flatbush;
  parts?: { zone: number; rings: PolygonCoords }[];
}

export interface IrisView {
  zonesOf(commune: string): { code: string; nom: string | null }[];
  covers(commune: string): boolean;
  readonly counts: IrisCounts['counts'];
  readonly outside: IrisCounts['outside'];
  readonly unlocated: IrisCounts['unlocated'];
}

export interface IrisCounts {
  /** commune → IRIS code → addresses. */
  counts: Map<string, Map<string, number>>;
  /** commune → addresses with a position that falls in none of its IRIS (edge, contour of another vintage). */
  outside: Map<string, number>;
  /** commune → addresses without a position. */
  unlocated: Map<string, number>;
}

function prop(p: Record<string, unknown> | null | undefined, ...names: string[]): string | null {
  for (const n of names) if (p?.[n] != null && p[n] !== '') return String(p[n]);
  return null;
}

function ringContains(ring: Ring, x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

export function polygonContains(rings: PolygonCoords, x: number, y: number): boolean {
  if (!rings.length || !ringContains(rings[0], x, y)) return false;
  for (let h = 1; h < rings.length; h++) if (ringContains(rings[h], x, y)) return false;
  return true;
}

export class IrisLocator implements IrisView {
  private readonly communes = new Map<string, CommuneIris>();
  readonly counts: IrisCounts['counts'] = new Map();
  readonly outside: IrisCounts['outside'] = new Map();
  readonly unlocated: IrisCounts['unlocated'] = new Map();

  /**
   * `records` are the `iris-contours` dataset: one record per commune whose
   * features are its IRIS (properties `codeIris`/`nomIris` as pipelines/iris-contours writes them; `code_iris`, `CODE_IRIS` or `code` otherwise).
   * `parentOf` maps an arrondissement to Paris/Lyon/Marseille for contours keyed by the parent.
   */
  constructor(records: CommuneRecord[], private readonly parentOf: (code: string) => string | undefined = () => undefined) {
    for (const record of records) {
      const zones: Zone[] = [];
      const parts: { zone: number; rings: PolygonCoords }[] = [];
      for (const f of record.features ?? []) {
        const p = f.properties as Record<string, unknown> | null;
        const code = prop(p, 'codeIris', 'code_iris', 'CODE_IRIS', 'code');
        if (!code) continue;
        const zone = zones.push({ code, nom: prop(p, 'nomIris', 'nom_iris', 'NOM_IRIS', 'nom') }) - 1;
        const g = f.geometry;
        if (g?.type === 'Polygon') parts.push({ zone, rings: g.coordinates });
        else if (g?.type === 'MultiPolygon') for (const poly of g.coordinates) parts.push({ zone, rings: poly });
      }
      if (!zones.length) continue;
      const entry: CommuneIris = { zones };
      if (zones.length > 1 && parts.length) {
        const index = new Flatbush(parts.length);
        for (const part of parts) {
          let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
          for (const [x, y] of part.rings[0]) {
            if (x < minX) minX = x;
            if (y < minY) minY = y;
            if (x > maxX) maxX = x;
            if (y > maxY) maxY = y;
          }
          index.add(minX, minY, maxX, maxY);
        }
        index.finish();
        entry.index = index;
        entry.parts = parts;
      }
      this.communes.set(record.code, entry);
    }
  }

  get size(): number { return this.communes.size; }

  /** IRIS of a commune (for names in the output). */
  zonesOf(commune: string): Zone[] {
    const own = this.communes.get(commune);
    if (own) return own.zones;
    // Contours keyed by Paris/Lyon/Marseille list every arrondissement's IRIS: keep this one's.
    return (this.communes.get(this.parentOf(commune) ?? '')?.zones ?? []).filter((z) => z.code.startsWith(commune));
  }

  /** Counts one address of `commune` at (lon, lat); null coordinates count as unlocated. */
  add(commune: string, lon: number | null, lat: number | null): void {
    const iris = this.communes.get(commune) ?? this.communes.get(this.parentOf(commune) ?? '');
    if (!iris) return;
    const bump = (map: Map<string, number>) => map.set(commune, (map.get(commune) ?? 0) + 1);
    let code: string | undefined;
    if (iris.zones.length === 1) code = iris.zones[0].code;
    else if (lon === null || lat === null || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      bump(this.unlocated);
      return;
    } else if (iris.index && iris.parts) {
      for (const i of iris.index.search(lon, lat, lon, lat)) {
        if (polygonContains(iris.parts[i].rings, lon, lat)) {
          code = iris.zones[iris.parts[i].zone].code;
          break;
        }
      }
    }
    if (code === undefined) {
      bump(this.outside);
      return;
    }
    let perCommune = this.counts.get(commune);
    if (!perCommune) this.counts.set(commune, (perCommune = new Map()));
    perCommune.set(code, (perCommune.get(code) ?? 0) + 1);
  }

  /** Whether a commune has IRIS contours (its addresses are then counted). */
  covers(commune: string): boolean {
    return this.communes.has(commune) || this.communes.has(this.parentOf(commune) ?? '');
  }
}
