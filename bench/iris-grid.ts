/**
 * IRIS for the generated national BAN file. Real IRIS contours do not fit
 * generated points, so each commune with enough addresses to be split by INSEE
 * (≈ 5,000 inhabitants ≈ 1,900 addresses) gets a grid of IRIS over the box of
 * its points, one IRIS per ≈ 760 addresses (≈ 2,000 inhabitants), each cell a
 * ring of 64 vertices like a simplified real IRIS; the other communes get one
 * IRIS, as INSEE does. Both thresholds scale with the file (26 M addresses
 * for the whole of France). The boxes come from one DuckDB pass over the
 * file, cached next to it in bench/out/.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { CommuneRecord } from '../src/contract/dataset.js';
import { banReadCsv } from '../pipelines/framework/ban-csv.js';

const SPLIT_FROM = 1900;
const ADDRESSES_PER_IRIS = 760;
const POINTS_PER_SIDE = 16;

interface Box { code: string; n: number; minLon: number; maxLon: number; minLat: number; maxLat: number }

async function boxes(duckdb: DuckDBConnection, file: string): Promise<Box[]> {
  const cache = file.replace(/\.csv\.gz$/, '.boxes.json');
  if (existsSync(cache)) return JSON.parse(readFileSync(cache, 'utf8')) as Box[];
  const rows = (await duckdb.runAndReadAll(`
SELECT code_insee AS code, count(*)::INTEGER AS n, min(lon) AS "minLon", max(lon) AS "maxLon", min(lat) AS "minLat", max(lat) AS "maxLat"
FROM ${banReadCsv([file], { lon: 'DOUBLE', lat: 'DOUBLE' })} WHERE lon IS NOT NULL AND lat IS NOT NULL GROUP BY code_insee`)).getRowObjectsJS() as unknown as Box[];
  writeFileSync(cache, JSON.stringify(rows));
  return rows;
}

/** A closed ring around [x0, x1] × [y0, y1], POINTS_PER_SIDE vertices per side. */
function cell(x0: number, y0: number, x1: number, y1: number): number[][] {
  const ring: number[][] = [];
  for (let i = 0; i < POINTS_PER_SIDE; i++) ring.push([x0 + ((x1 - x0) * i) / POINTS_PER_SIDE, y0]);
  for (let i = 0; i < POINTS_PER_SIDE; i++) ring.push([x1, y0 + ((y1 - y0) * i) / POINTS_PER_SIDE]);
  for (let i = 0; i < POINTS_PER_SIDE; i++) ring.push([x1 - ((x1 - x0) * i) / POINTS_PER_SIDE, y1]);
  for (let i = 0; i < POINTS_PER_SIDE; i++) ring.push([x0, y1 - ((y1 - y0) * i) / POINTS_PER_SIDE]);
  ring.push([x0, y0]);
  return ring;
}

export async function gridIris(duckdb: DuckDBConnection, file: string): Promise<{ records: CommuneRecord[]; zones: number; split: number }> {
  const records: CommuneRecord[] = [];
  let zones = 0;
  let split = 0;
  const all = await boxes(duckdb, file);
  const scale = all.reduce((sum, b) => sum + b.n, 0) / 26_000_000;
  for (const b of all) {
    const k = b.n >= SPLIT_FROM * scale ? Math.max(2, Math.round(Math.sqrt(b.n / (ADDRESSES_PER_IRIS * scale)))) : 1;
    // A margin so that the points on the box's edge fall inside the last cell.
    const x0 = b.minLon - 1e-7, y0 = b.minLat - 1e-7, x1 = b.maxLon + 1e-7, y1 = b.maxLat + 1e-7;
    const features: GeoJSON.Feature[] = [];
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        const number = String(i * k + j + (k > 1 ? 101 : 0)).padStart(4, '0');
        features.push({
          type: 'Feature',
          properties: { codeIris: `${b.code}${number}`, nomIris: k > 1 ? `Quartier ${i * k + j + 1}` : null },
          geometry: { type: 'Polygon', coordinates: [cell(x0 + ((x1 - x0) * i) / k, y0 + ((y1 - y0) * j) / k, x0 + ((x1 - x0) * (i + 1)) / k, y0 + ((y1 - y0) * (j + 1)) / k)] },
        });
      }
    }
    zones += features.length;
    if (k > 1) split++;
    records.push({ code: b.code, data: {}, features });
  }
  return { records, zones, split };
}
