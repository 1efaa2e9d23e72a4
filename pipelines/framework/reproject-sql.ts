/**
 * Projected coordinates (Lambert-93, the DOM's UTM zones) of rows staged in
 * DuckDB, turned into WGS84 in JS (no spatial extension at run time): only
 * the rows that need it are streamed out, and their positions go back as a
 * table `<table>(id, lon, lat)` to join or update by row id. Rows whose EPSG
 * is not one of crs.ts' systems are left without position.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { isKnownEpsg, toWgs84 } from './geo/crs.js';

/** `sql` returns `id, x, y, epsg`; returns the number of positions written. */
export async function reprojectRows(duckdb: DuckDBConnection, sql: string, table: string): Promise<number> {
  await duckdb.run(`CREATE OR REPLACE TEMP TABLE ${table} (id BIGINT, lon DOUBLE, lat DOUBLE)`);
  const appender = await duckdb.createAppender(table, 'main', 'temp');
  let written = 0;
  try {
    for await (const chunk of (await duckdb.stream(sql)).yieldRowObjectJs()) {
      for (const row of chunk) {
        const epsg = Number(row.epsg);
        if (!isKnownEpsg(epsg)) continue;
        const [lon, lat] = toWgs84(epsg)([Number(row.x), Number(row.y)]);
        appender.appendBigInt(BigInt(row.id as bigint | number));
        appender.appendDouble(lon);
        appender.appendDouble(lat);
        appender.endRow();
        written++;
      }
    }
  } finally {
    appender.closeSync();
  }
  return written;
}
