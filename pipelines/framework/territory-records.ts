/**
 * A source's records of territories above the commune (types.ts' TerritoryRecord: an EPCI's président) into
 * `territory_datasets` under the source's load. A code the release's COG does not know is set aside and noted,
 * as a commune's would be; a territory given twice is a programming error of the source.
 */
import type { Store } from '../../src/db/client.js';
import type { Referential } from '../../src/domain/referential.js';
import type { Scalar } from '../../src/contract/dataset.js';
import type { RunReport, TerritoryRecord } from './types.js';

const KNOWN: Record<TerritoryRecord['kind'], (referential: Referential, code: string) => boolean> = {
  epci: (referential, code) => referential.epci.has(code),
};

export async function loadTerritoryRecords(
  store: Store, loadId: number, records: Iterable<TerritoryRecord>, referential: Referential, report: Pick<RunReport, 'note'>,
): Promise<number> {
  const seen = new Set<string>();
  const unknown: string[] = [];
  const rows: Scalar[][] = [];
  for (const { kind, code, data } of records) {
    if (seen.has(`${kind}:${code}`)) throw new Error(`territoire ${kind} ${code} donné deux fois par la source`);
    seen.add(`${kind}:${code}`);
    if (!KNOWN[kind](referential, code)) { unknown.push(`${kind} ${code}`); continue; }
    rows.push([loadId, kind, code, JSON.stringify(data)]);
  }
  if (unknown.length) report.note('territoires inconnus du COG, écartés', `${unknown.length} : ${unknown.slice(0, 20).join(', ')}`);
  if (rows.length) report.note('territoires', rows.length);
  return rows.length ? store.copy('territory_datasets', ['load_id', 'kind', 'code', 'data'], rows) : 0;
}

/** A partial run (`--departement`): the territories its files did not give are copied from the load the release serves. */
export async function carryOverTerritories(db: Pick<Store, 'query'>, options: { from: number; to: number }): Promise<number> {
  const [{ count }] = await db.query<{ count: number }>(
    `WITH carried AS (
       INSERT INTO territory_datasets (load_id, kind, code, data)
       SELECT $2, d.kind, d.code, d.data FROM territory_datasets d
        WHERE d.load_id = $1 AND NOT EXISTS (SELECT 1 FROM territory_datasets n WHERE n.load_id = $2 AND n.kind = d.kind AND n.code = d.code)
       RETURNING 1)
     SELECT count(*)::int AS count FROM carried`, [options.from, options.to]);
  return count;
}
