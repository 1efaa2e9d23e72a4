/**
 * A partial run (`--departement`) re-reads only the départements it names: every
 * other commune's rows of the source — its `commune_datasets` row and its rows in
 * the bulk tables — are copied unchanged from the load the current release serves
 * into the new load, so that publishing it replaces only what the run named.
 */
import type { Queryable } from '../../src/db/client.js';
import { BULK_COMMUNE_COLUMN, BULK_TABLES } from '../../src/db/schema.js';

/**
 * The rows of `code` belong to a named département: by the COG of the release
 * being built when it knows the code, else by the code's own spelling (97x for
 * the overseas départements), so that no row is both re-read and carried over.
 */
function inNamedDepartements(column: string): string {
  return `coalesce(${column} IN (SELECT code FROM cog_communes WHERE load_id = $3 AND departement = ANY($4::text[]))
    OR (CASE WHEN ${column} LIKE '97%' THEN left(${column}, 3) ELSE left(${column}, 2) END) = ANY($4::text[]), false)`;
}

export interface CarryOver { communes: number; bulkRows: Record<string, number> }

export async function carryOverOtherDepartements(
  db: Queryable, options: { from: number; to: number; cogLoadId: number; departements: readonly string[] },
): Promise<CarryOver> {
  const params = [options.from, options.to, options.cogLoadId, [...options.departements]];
  const [{ count }] = await db.query<{ count: number }>(
    `WITH carried AS (
       INSERT INTO commune_datasets (load_id, code, data, rows, features, hash)
       SELECT $2, d.code, d.data, d.rows, d.features, d.hash FROM commune_datasets d
        WHERE d.load_id = $1 AND NOT ${inNamedDepartements('d.code')}
          AND NOT EXISTS (SELECT 1 FROM commune_datasets n WHERE n.load_id = $2 AND n.code = d.code)
       RETURNING 1)
     SELECT count(*)::int AS count FROM carried`, params);
  const bulkRows: Record<string, number> = {};
  for (const table of BULK_TABLES) {
    const column = BULK_COMMUNE_COLUMN[table];
    const columns = (await db.query<{ column_name: string }>(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name <> 'load_id' ORDER BY ordinal_position`,
      [table])).map((c) => c.column_name);
    const [row] = await db.query<{ count: number }>(
      `WITH carried AS (
         INSERT INTO ${table} (load_id, ${columns.join(', ')})
         SELECT $2, ${columns.join(', ')} FROM ${table} WHERE load_id = $1 AND NOT ${inNamedDepartements(column)}
         RETURNING 1)
       SELECT count(*)::int AS count FROM carried`, params);
    bulkRows[table] = row.count;
  }
  return { communes: count, bulkRows };
}
