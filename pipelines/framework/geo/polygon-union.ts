/**
 * The geometry side of re-keying: when several polygons of a source land on
 * the same current commune (communes merged since the source's COG), they
 * become one polygon. Kept apart from any source so that every polygon source
 * merges the same way.
 */
import { featureCollection, union } from '@turf/turf';
import { type Areal, isAreal } from '../../../src/geo/measure.js';

/** Union of the parts; `unioned` is false when there was one part or the clipper failed (parts kept side by side). */
export function unionPolygons(parts: Areal[]): { geometry: Areal; unioned: boolean } {
  if (parts.length === 1) return { geometry: parts[0], unioned: false };
  try {
    const merged = union(featureCollection(parts.map((geometry) => ({ type: 'Feature' as const, properties: {}, geometry }))));
    if (merged && isAreal(merged.geometry)) return { geometry: merged.geometry, unioned: true };
  } catch {
    // Degenerate input for the clipper: keep every part rather than lose one.
  }
  const polygons = parts.flatMap((g) => (g.type === 'Polygon' ? [g.coordinates] : g.coordinates));
  return { geometry: { type: 'MultiPolygon', coordinates: polygons }, unioned: false };
}
