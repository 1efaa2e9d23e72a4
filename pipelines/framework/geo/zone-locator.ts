/**
 * Point → zone, tallied per commune: the zones (IRIS, or any zoning inside
 * communes) come as the features of each commune's record, and a point of a
 * commune is tested against that commune's zones only. A commune with a single
 * zone (most of them for IRIS) needs no geometry, the others get a grid of
 * their zones' parts' boxes, and a ray-casting test runs on the few candidates
 * whose box holds the point. Written for the BAN's 26 M addresses → IRIS: every
 * choice below (flat rings, the allocation-free grid, the last-part shortcut)
 * was measured there (bench/ban-national.ts --iris).
 */
import type { CommuneRecord } from '../../../src/contract/dataset.js';
import { BoxGrid, type Box } from './box-grid.js';

/** A ring as x0, y0, x1, y1, …: one object per ring, where GeoJSON arrays make one per vertex (millions for the IRIS of France, each walked by every major garbage collection). */
type FlatRing = Float64Array;

export interface Zone { code: string; nom: string | null }
interface CommuneZones {
  zones: Zone[];
  /** Present when the commune has several zones: one entry per polygon part. */
  grid?: BoxGrid;
  parts?: Part[];
}
interface Part { zone: number; rings: FlatRing[]; box: Box }

export interface ZoneView {
  zonesOf(commune: string): { code: string; nom: string | null }[];
  covers(commune: string): boolean;
  /** The counts so far, built from the tallies on each call: read them once, after the last point. */
  tallied(): ZoneCounts;
}

export interface ZoneCounts {
  /** commune → zone code → points. */
  counts: Map<string, Map<string, number>>;
  /** commune → points with a position that falls in none of its zones (edge, contour of another vintage). */
  outside: Map<string, number>;
  /** commune → points without a position. */
  unlocated: Map<string, number>;
}

/** The first of `names` that a feature's properties hold, as text (zonings spell their code and name columns differently). */
export function property(p: Record<string, unknown> | null | undefined, ...names: string[]): string | null {
  for (const n of names) if (p?.[n] != null && p[n] !== '') return String(p[n]);
  return null;
}

function flatten(ring: number[][]): FlatRing {
  const flat = new Float64Array(ring.length * 2);
  ring.forEach(([x, y], i) => {
    flat[2 * i] = x;
    flat[2 * i + 1] = y;
  });
  return flat;
}

function ringContains(ring: FlatRing, x: number, y: number): boolean {
  let inside = false;
  const n = ring.length;
  for (let i = 0, j = n - 2; i < n; j = i, i += 2) {
    const xi = ring[i], yi = ring[i + 1], xj = ring[j], yj = ring[j + 1];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function flatPolygonContains(rings: FlatRing[], x: number, y: number): boolean {
  if (!rings.length || !ringContains(rings[0], x, y)) return false;
  for (let h = 1; h < rings.length; h++) if (ringContains(rings[h], x, y)) return false;
  return true;
}

/** Whether a GeoJSON polygon (outer ring, then holes) holds (x, y). */
export function polygonContains(rings: number[][][], x: number, y: number): boolean {
  return flatPolygonContains(rings.map(flatten), x, y);
}

function boxOf(ring: FlatRing): Box {
  let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
  for (let i = 0; i < ring.length; i += 2) {
    const x = ring[i], y = ring[i + 1];
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** Counts of one point commune: per zone of its contours (by index in `zones`), outside them all, without position. */
interface Tally { own: CommuneZones; zones: number[]; outside: number; unlocated: number; lastPart: number }

export class ZoneLocator implements ZoneView {
  private readonly communes = new Map<string, CommuneZones>();
  private readonly tallies = new Map<string, Tally | null>();
  // Points come sorted by commune (BAN addresses): the last one's tally is the next one's, most of the time.
  private lastCommune: string | undefined;
  private lastTally: Tally | null = null;

  /**
   * `zoneOf` names the zone a feature stands for (null: not a zone); `parentOf`
   * gives Paris/Lyon/Marseille for an arrondissement, whose points then use
   * the parent's contours.
   */
  constructor(
    records: CommuneRecord[],
    zoneOf: (properties: Record<string, unknown> | null) => Zone | null,
    private readonly parentOf: (code: string) => string | undefined = () => undefined,
  ) {
    for (const record of records) {
      const zones: Zone[] = [];
      const parts: Part[] = [];
      for (const f of record.features ?? []) {
        const found = zoneOf(f.properties as Record<string, unknown> | null);
        if (!found) continue;
        const zone = zones.push(found) - 1;
        const g = f.geometry;
        const polygons = g?.type === 'Polygon' ? [g.coordinates] : g?.type === 'MultiPolygon' ? g.coordinates : [];
        for (const polygon of polygons) {
          if (!polygon.length) continue;
          const rings = polygon.map(flatten);
          parts.push({ zone, rings, box: boxOf(rings[0]) });
        }
      }
      if (!zones.length) continue;
      const entry: CommuneZones = { zones };
      if (zones.length > 1 && parts.length) {
        entry.grid = new BoxGrid(parts.map((p) => p.box));
        entry.parts = parts;
      }
      this.communes.set(record.code, entry);
    }
  }

  get size(): number { return this.communes.size; }

  /** Zones of a commune (for names in the output). */
  zonesOf(commune: string): Zone[] {
    const own = this.communes.get(commune);
    if (own) return own.zones;
    // Contours keyed by Paris/Lyon/Marseille list every arrondissement's zones: keep this one's (INSEE zone codes begin with their commune's).
    return (this.communes.get(this.parentOf(commune) ?? '')?.zones ?? []).filter((z) => z.code.startsWith(commune));
  }

  /** Counts one point of `commune` at (lon, lat); null coordinates count as unlocated. */
  add(commune: string, lon: number | null, lat: number | null): void {
    let tally = this.lastTally;
    if (commune !== this.lastCommune) {
      this.lastCommune = commune;
      tally = this.tallies.get(commune) ?? null;
      if (tally === null && !this.tallies.has(commune)) {
        const own = this.communes.get(commune) ?? this.communes.get(this.parentOf(commune) ?? '');
        tally = own ? { own, zones: new Array<number>(own.zones.length).fill(0), outside: 0, unlocated: 0, lastPart: -1 } : null;
        this.tallies.set(commune, tally);
      }
      this.lastTally = tally;
    }
    if (!tally) return;
    const own = tally.own;
    if (own.zones.length === 1) {
      tally.zones[0]++;
      return;
    }
    if (lon === null || lat === null || !Number.isFinite(lon) || !Number.isFinite(lat)) {
      tally.unlocated++;
      return;
    }
    const parts = own.parts;
    const grid = own.grid;
    if (grid && parts) {
      // Neighbouring points (same voie) tend to share a zone: the last one's part is tried first.
      const last = tally.lastPart;
      if (last >= 0) {
        const { box, rings, zone } = parts[last];
        if (lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3] && flatPolygonContains(rings, lon, lat)) {
          tally.zones[zone]++;
          return;
        }
      }
      const cell = grid.cellOf(lon, lat);
      if (cell >= 0) {
        for (let k = grid.starts[cell], end = grid.starts[cell + 1]; k < end; k++) {
          const i = grid.items[k];
          if (i === last) continue;
          const { box, rings, zone } = parts[i];
          if (lon >= box[0] && lon <= box[2] && lat >= box[1] && lat <= box[3] && flatPolygonContains(rings, lon, lat)) {
            tally.zones[zone]++;
            tally.lastPart = i;
            return;
          }
        }
      }
    }
    tally.outside++;
  }

  tallied(): ZoneCounts {
    const result: ZoneCounts = { counts: new Map(), outside: new Map(), unlocated: new Map() };
    for (const [commune, tally] of this.tallies) {
      if (!tally) continue;
      const perZone = new Map<string, number>();
      tally.zones.forEach((n, z) => { if (n) perZone.set(tally.own.zones[z].code, n); });
      if (perZone.size) result.counts.set(commune, perZone);
      if (tally.outside) result.outside.set(commune, tally.outside);
      if (tally.unlocated) result.unlocated.set(commune, tally.unlocated);
    }
    return result;
  }

  /** Whether a commune has zone contours (its points are then counted). */
  covers(commune: string): boolean {
    return this.communes.has(commune) || this.communes.has(this.parentOf(commune) ?? '');
  }
}
