/**
 * Point rows streamed out of DuckDB as per-commune features: WGS84 from
 * `longitude`/`latitude` when the row has them, else from `lambert_x`/
 * `lambert_y` in the row's `epsg` (each DOM has its own legal projection).
 * `cleanup` runs once the stream ends or fails.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { isKnownEpsg, toWgs84 } from './geo/crs.js';
import type { PlacedFeature } from './features-by-commune.js';

export interface PointRow {
  commune: string;
  longitude: number | null; latitude: number | null;
  lambert_x: number | null; lambert_y: number | null; epsg: number | null;
  [column: string]: unknown;
}

/** WGS84 position of a row, or undefined when it has none usable (unknown EPSG, no coordinates). */
export function positionOf(r: PointRow): [number, number] | undefined {
  if (r.longitude !== null && r.latitude !== null) return [r.longitude, r.latitude];
  if (r.lambert_x === null || r.lambert_y === null || r.epsg === null || !isKnownEpsg(r.epsg)) return undefined;
  const [x, y] = toWgs84(r.epsg)([r.lambert_x, r.lambert_y]);
  return [x, y];
}

export async function* streamPoints(
  duckdb: DuckDBConnection, sql: string, cleanup: string | undefined,
  toFeature: (row: PointRow, position: [number, number]) => GeoJSON.Feature,
): AsyncIterable<PlacedFeature[]> {
  try {
    const result = await duckdb.stream(sql);
    for await (const chunk of result.yieldRowObjectJs()) {
      const out: PlacedFeature[] = [];
      for (const row of chunk as unknown as PointRow[]) {
        const position = positionOf(row);
        if (position) out.push({ commune: row.commune, feature: toFeature(row, position) });
      }
      yield out;
    }
  } finally {
    if (cleanup) await duckdb.run(cleanup);
  }
}
