/**
 * BAN address points per current commune, in a projected CRS, for sources that
 * count addresses inside polygons (arcep-couverture: share of a commune's
 * addresses in each coverage level). Written once here, next to ban-csv.ts,
 * rather than in the source that first needed it.
 *
 * The BAN file itself is an input of such a source (its registry entry lists
 * the BAN URL next to its own files: the fetch cache holds it once for both
 * sources). DuckDB reads only `code_insee`, `x`, `y`, `lon`, `lat` of the
 * départements asked, so the summaries of the `ban` dataset (which hold no
 * points) and the API's address table are not needed. BAN `x`/`y` are in the
 * territory's legal projection (Lambert-93, RGAF09/UTM 20N, RGFG95/UTM 22N,
 * RGR92/UTM 40S, RGM04/UTM 38S), the CRS producers such as ARCEP publish in; an
 * address without them is projected from lon/lat.
 */
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import type { Referential } from '../../src/domain/referential.js';
import { fromWgs84, type Epsg } from './geo/crs.js';
import { banReadCsv } from './ban-csv.js';
import { BAN_HEADER } from '../../src/contract/ban.js';
import { readFirstLine } from './csv-header.js';

/** The inputs that are BAN legacy csv files (by header, since cached downloads may have no extension). */
export async function banFiles(files: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const f of files) {
    if (/\.(7z|gpkg|zip)$/i.test(f)) continue;
    try {
      if ((await readFirstLine(f)).replace(/\r$/, '') === BAN_HEADER) out.push(f);
    } catch {
      // Not a text or gzip file: an archive or GeoPackage under a name without extension.
    }
  }
  return out;
}

/**
 * Points per current commune (x, y interleaved) in the CRS `epsg`, of the
 * `departements` asked ('metropole': all but 97x/98x); arrondissements also under their PLM parent.
 */
export async function banPoints(
  duckdb: DuckDBConnection, files: string[], departements: string[] | 'metropole', epsg: Epsg, referential: Referential,
): Promise<Map<string, Float64Array>> {
  const out = new Map<string, Float64Array>();
  if (!files.length) return out;
  const dep = "CASE WHEN code_insee[1:2] IN ('97', '98') THEN code_insee[1:3] ELSE code_insee[1:2] END";
  const where = departements === 'metropole' ? "code_insee[1:2] NOT IN ('97', '98')" : `list_contains($1::VARCHAR[], ${dep})`;
  const result = await duckdb.stream(
    `SELECT code_insee, TRY_CAST(x AS DOUBLE) AS x, TRY_CAST(y AS DOUBLE) AS y, TRY_CAST(lon AS DOUBLE) AS lon, TRY_CAST(lat AS DOUBLE) AS lat
     FROM ${banReadCsv(files)} WHERE code_insee IS NOT NULL AND ${where}`,
    departements === 'metropole' ? [] : [listValue(departements)],
  );
  const project = fromWgs84(epsg);
  const lists = new Map<string, number[]>();
  const commune = new Map<string, string | null>();
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) break;
    const [codes, xs, ys, lons, lats] = [0, 1, 2, 3, 4].map((c) => chunk.getColumnVector(c));
    for (let i = 0; i < chunk.rowCount; i++) {
      const code = codes.getItem(i) as string;
      let target = commune.get(code);
      if (target === undefined) {
        const { codes: current } = referential.currentCodes(code);
        target = current.length === 1 ? current[0] : null;
        commune.set(code, target);
      }
      if (!target) continue;
      let x = xs.getItem(i) as number | null;
      let y = ys.getItem(i) as number | null;
      if (x === null || y === null) {
        const lon = lons.getItem(i) as number | null;
        const lat = lats.getItem(i) as number | null;
        if (lon === null || lat === null) continue;
        [x, y] = project([lon, lat]);
      }
      for (const key of [target, referential.plmParent(target)]) {
        if (!key) continue;
        let list = lists.get(key);
        if (!list) lists.set(key, (list = []));
        list.push(x, y);
      }
    }
  }
  for (const [code, list] of lists) out.set(code, Float64Array.from(list));
  return out;
}
