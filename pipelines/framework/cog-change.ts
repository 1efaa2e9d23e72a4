/**
 * A new COG must not leave served rows behind. When a run re-ingests `cog`,
 * every other source the new release would serve is checked against it: a
 * load whose per-commune data is keyed by a code that is no longer a current
 * commune or arrondissement of the new COG — a commune merged away, split or
 * deleted — would serve rows nobody can reach. (Bulk rows are reached through
 * their commune's data, which lists the file's codes it groups, so that data
 * alone decides.) The run then stops, naming those sources, a few of their
 * codes, and the command that re-ingests them with the COG, so that they are
 * re-keyed in the same publish.
 */
import type { Queryable } from '../../src/db/client.js';
import { REFERENTIAL_SOURCE } from './referential/step.js';

export interface StaleSource { source: string; codes: string[] }

/** Codes shown per source in the message; the count says how many there are. */
const SHOWN = 5;

/** The communes of one load that the COG loaded under `cogLoadId` does not have as current. */
async function staleCodes(db: Queryable, loadId: number, cogLoadId: number): Promise<string[]> {
  const rows = await db.query<{ code: string }>(
    `SELECT d.code FROM commune_datasets d
      WHERE d.load_id = $1 AND NOT EXISTS (
        SELECT 1 FROM cog_communes c WHERE c.load_id = $2 AND c.code = d.code AND c.type IN ('commune-actuelle', 'arrondissement-municipal'))
      ORDER BY 1`, [loadId, cogLoadId]);
  return rows.map((r) => r.code);
}

/** The sources among `loads` (source id → load id) with rows the new COG cannot reach. */
export async function sourcesOnFormerCodes(db: Queryable, loads: Map<string, number>, cogLoadId: number): Promise<StaleSource[]> {
  const stale: StaleSource[] = [];
  for (const [source, loadId] of [...loads].sort(([a], [b]) => a.localeCompare(b))) {
    if (source === REFERENTIAL_SOURCE) continue;
    const codes = await staleCodes(db, loadId, cogLoadId);
    if (codes.length) stale.push({ source, codes });
  }
  return stale;
}

export class CogChangeError extends Error {
  constructor(readonly millesime: string, readonly stale: StaleSource[]) {
    const list = stale.map(({ source, codes }) =>
      `${source} (${codes.length} code${codes.length > 1 ? 's' : ''} : ${codes.slice(0, SHOWN).join(', ')}${codes.length > SHOWN ? ', …' : ''})`);
    super(`[cog] le COG ${millesime} ne connaît plus certaines communes dont ces sources de la release courante ont des lignes : `
      + `${list.join(' ; ')}. Ré-ingérer ces sources avec le COG, dans la même commande, pour qu'elles soient recodées : `
      + `npx dotation ingest cog ${stale.map((s) => s.source).join(' ')} (mêmes --input/--sample). La release courante reste servie.`);
    this.name = 'CogChangeError';
  }
}
