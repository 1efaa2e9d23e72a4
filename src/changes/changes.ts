/**
 * What changed for one commune between two releases, dataset by dataset, from
 * the content hash computed at load time (`commune_datasets.hash`). A source
 * that kept its load between the releases is unchanged without a query; rows
 * loaded before the hash existed are compared by an md5 of their canonical
 * jsonb text, computed by PostgreSQL.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Queryable } from '../db/client.js';
import type { CommuneEntry } from '../domain/referential.js';
import type { ServingRelease } from '../releases/serving-release.js';
import { readLoads, referentialOfLoad } from '../releases/repository.js';
import type { ReleaseInfo } from '../contract/release.js';
import { communeJson } from '../dotation/commune.js';
import type { SourceDefinition } from '../contract/registry.js';
import type { CommuneChanges, DatasetChange } from './schema.js';

const FINGERPRINT_SQL = `md5(data::text || '|' || coalesce(rows::text, '') || '|' || coalesce(features::text, ''))`;

interface Row { load_id: number; hash: string | null; md5: string | null; has_features: boolean }

async function rowsOf(db: Queryable, loadIds: number[], code: string, md5For: 'missing-hash' | 'all'): Promise<Map<number, Row>> {
  if (!loadIds.length) return new Map();
  const md5 = md5For === 'all' ? FINGERPRINT_SQL : `CASE WHEN hash IS NULL THEN ${FINGERPRINT_SQL} END`;
  const rows = await db.query<Row>(
    `SELECT load_id, hash, ${md5} AS md5, features IS NOT NULL AS has_features FROM commune_datasets WHERE load_id = ANY($1::int[]) AND code = $2`,
    [loadIds, code]);
  return new Map(rows.map((r) => [r.load_id, r]));
}

export async function communeChanges(db: Queryable, registry: SourceDefinition[], since: ReleaseInfo, current: ServingRelease, commune: CommuneEntry): Promise<CommuneChanges> {
  const base = `/commune/${commune.code}/datasets`;
  const pairs = registry
    .map((def) => ({ def, before: since.loads[def.id] as number | undefined, after: current.loads[def.id] as number | undefined }))
    .filter((p) => p.before !== undefined || p.after !== undefined);
  const moved = pairs.filter((p) => p.before !== p.after && p.def.id !== 'cog');
  let rows = await rowsOf(db, moved.flatMap((p) => [p.before, p.after]).filter((x): x is number => x !== undefined), commune.code, 'missing-hash');
  // A pair where one side predates the hash column is compared by md5 on both sides.
  const mixed = moved.filter((p) => {
    const a = p.before !== undefined ? rows.get(p.before) : undefined;
    const b = p.after !== undefined ? rows.get(p.after) : undefined;
    return a && b && (a.hash === null) !== (b.hash === null);
  });
  if (mixed.length) {
    const again = await rowsOf(db, mixed.flatMap((p) => [p.before!, p.after!]), commune.code, 'all');
    rows = new Map([...rows, ...again]);
  }
  const allLoads = [...new Set(pairs.flatMap((p) => [p.before, p.after]).filter((x): x is number => x !== undefined))];
  const missingInfo = allLoads.filter((id) => !current.loadInfo.has(id));
  const loadInfo = new Map([...current.loadInfo, ...(missingInfo.length ? await readLoads(db, missingInfo) : new Map())]);

  const changes: DatasetChange[] = [];
  const unchanged: string[] = [];
  for (const { def, before, after } of pairs) {
    const millesime = { avant: before !== undefined ? loadInfo.get(before)?.millesime ?? null : null, apres: after !== undefined ? loadInfo.get(after)?.millesime ?? null : null };
    if (def.id === 'cog') {
      // The commune's identity: compared as served (name, postal codes, EPCI, population…).
      if (before === after) { unchanged.push(def.id); continue; }
      const identityAfter = communeJson(current.referential, commune);
      const refBefore = before !== undefined ? await referentialOfLoad(db, before, millesime.avant ?? '') : undefined;
      const old = refBefore?.commune(commune.code);
      const identityBefore = old && refBefore ? communeJson(refBefore, old) : undefined;
      if (identityBefore && isDeepStrictEqual(identityBefore, identityAfter)) unchanged.push(def.id);
      else changes.push({ dataset: def.id, titre: def.titre, changement: identityBefore ? 'modifie' : 'ajoute', millesime, empreinte: { avant: null, apres: null }, liens: null });
      continue;
    }
    if (before === after) { unchanged.push(def.id); continue; }
    const a = before !== undefined ? rows.get(before) : undefined;
    const b = after !== undefined ? rows.get(after) : undefined;
    const print = (r: Row | undefined) => (!r ? null : r.hash && !(a && b && (a.hash === null) !== (b.hash === null)) ? `sha256:${r.hash}` : `md5:${r.md5}`);
    const empreinte = { avant: print(a), apres: print(b) };
    const liens = b ? { json: `${base}/${def.id}`, csv: `${base}/${def.id}.csv`, ...(b.has_features ? { geojson: `${base}/${def.id}.geojson` } : {}) } : null;
    if (!a && !b) continue;
    if (a && b && empreinte.avant === empreinte.apres) { unchanged.push(def.id); continue; }
    changes.push({ dataset: def.id, titre: def.titre, changement: !a ? 'ajoute' : !b ? 'supprime' : 'modifie', millesime, empreinte, liens });
  }
  return {
    commune: { code: commune.code, nom: commune.nom },
    depuis: { id: since.id, creeeLe: since.createdAt },
    jusqua: { id: current.id, creeeLe: current.createdAt },
    changements: changes,
    inchanges: unchanged,
    telechargement: changes.length ? `/commune/${commune.code}/dotation.zip` : null,
  };
}
