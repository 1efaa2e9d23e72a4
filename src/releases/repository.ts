/**
 * Reading releases and what they hold. Shared by the API and the CLI, which
 * both work on the current release of the same store.
 */
import type { Queryable } from '../db/client.js';
import { Referential, type ReferentialData } from '../domain/referential.js';
import type { LoadInfo, ReleaseInfo } from '../contract/release.js';


/**
 * A timestamp as the API serves it, formatted by the database: the drivers do not agree on what they hand back
 * for a timestamptz (a Date, or PostgreSQL's text form in some postgres.js sessions), and two processes serving the
 * same release must answer the same bytes.
 */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** Throws when the store cannot answer (the health check). */
export async function pingStore(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}

export async function currentReleaseId(db: Queryable): Promise<string | undefined> {
  const rows = await db.query<{ release_id: string }>('SELECT release_id FROM current_release WHERE singleton = 1');
  return rows[0]?.release_id;
}

export async function readRelease(db: Queryable, id: string): Promise<ReleaseInfo | undefined> {
  const [row] = await db.query<{ id: string; parent_id: string | null; created_at: string; summary: unknown; published_at: string | null }>(
    `SELECT r.id, r.parent_id, ${iso('r.created_at')} AS created_at, r.summary, ${iso('c.published_at')} AS published_at
       FROM releases r LEFT JOIN current_release c ON c.release_id = r.id WHERE r.id = $1`, [id]);
  if (!row) return undefined;
  const sources = await db.query<{ source_id: string; load_id: number }>(
    'SELECT source_id, load_id FROM release_sources WHERE release_id = $1 ORDER BY source_id', [id]);
  return {
    id: row.id,
    parentId: row.parent_id,
    createdAt: row.created_at,
    publishedAt: row.published_at ?? undefined,
    summary: row.summary,
    loads: Object.fromEntries(sources.map((s) => [s.source_id, s.load_id])),
  };
}

export async function listReleases(db: Queryable): Promise<{ id: string; parentId: string | null; createdAt: string }[]> {
  const rows = await db.query<{ id: string; parent_id: string | null; created: string }>(
    `SELECT id, parent_id, ${iso('created_at')} AS created FROM releases ORDER BY created_at DESC, id DESC`);
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, createdAt: r.created }));
}

export async function readLoads(db: Queryable, ids: number[]): Promise<Map<number, LoadInfo>> {
  if (!ids.length) return new Map();
  const rows = await db.query<{ id: number; source_id: string; millesime: string; created_at: string; provenance: LoadInfo['provenance']; stats: LoadInfo['stats']; fields: unknown; metadata: unknown }>(
    `SELECT id, source_id, millesime, ${iso('created_at')} AS created_at, provenance, stats, fields, metadata FROM loads WHERE id = ANY($1::int[])`, [ids]);
  return new Map(rows.map((r) => [r.id, {
    id: r.id, sourceId: r.source_id, millesime: r.millesime, createdAt: r.created_at, provenance: r.provenance, stats: r.stats, fields: r.fields, metadata: r.metadata,
  }]));
}

export async function readReferentialData(db: Queryable, loadId: number, millesime: string): Promise<ReferentialData> {
  const communes = await db.query<{ code: string; type: string; nom: string; departement: string; region: string; epci: string | null; siren: string | null; codes_postaux: string[]; population: number | null; zone: string | null; parent: string | null }>(
    'SELECT code, type, nom, departement, region, epci, siren, codes_postaux, population, zone, parent FROM cog_communes WHERE load_id = $1 ORDER BY code, type', [loadId]);
  const history = await db.query<{ ancien_code: string; ancien_nom: string; nouveau_code: string; nouveau_nom: string; date: string | null; mod: number | null }>(
    'SELECT ancien_code, ancien_nom, nouveau_code, nouveau_nom, date, mod FROM cog_history WHERE load_id = $1', [loadId]);
  const epci = await db.query<{ code: string; nom: string; type: string; population: number | null; membres: string[] }>(
    'SELECT code, nom, type, population, membres FROM cog_epci WHERE load_id = $1 ORDER BY code', [loadId]);
  const departements = await db.query<{ code: string; nom: string; region: string; chef_lieu: string | null; zone: string | null }>(
    'SELECT code, nom, region, chef_lieu, zone FROM cog_departements WHERE load_id = $1 ORDER BY code', [loadId]);
  const regions = await db.query<{ code: string; nom: string; chef_lieu: string | null; zone: string | null }>(
    'SELECT code, nom, chef_lieu, zone FROM cog_regions WHERE load_id = $1 ORDER BY code', [loadId]);
  const opt = <T>(v: T | null) => v ?? undefined;
  return {
    millesime,
    communes: communes.map((c) => ({
      code: c.code, type: c.type as never, nom: c.nom, departement: c.departement, region: c.region, epci: opt(c.epci), siren: opt(c.siren),
      codesPostaux: c.codes_postaux, population: opt(c.population), zone: opt(c.zone), parent: opt(c.parent),
    })),
    history: history.map((h) => ({ ancienCode: h.ancien_code, ancienNom: h.ancien_nom, nouveauCode: h.nouveau_code, nouveauNom: h.nouveau_nom, date: opt(h.date), mod: opt(h.mod) })),
    epci: epci.map((e) => ({ code: e.code, nom: e.nom, type: e.type, population: opt(e.population), membres: e.membres })),
    departements: departements.map((d) => ({ code: d.code, nom: d.nom, region: d.region, chefLieu: opt(d.chef_lieu), zone: opt(d.zone) })),
    regions: regions.map((r) => ({ code: r.code, nom: r.nom, chefLieu: opt(r.chef_lieu), zone: opt(r.zone) })),
  };
}

/** Referentials are immutable per load: cache them so that requests never re-read the COG. */
const referentialsByStore = new WeakMap<Queryable, Map<number, Promise<Referential>>>();
export function referentialOfLoad(db: Queryable, loadId: number, millesime: string): Promise<Referential> {
  let referentials = referentialsByStore.get(db);
  if (!referentials) referentialsByStore.set(db, (referentials = new Map()));
  let cached = referentials.get(loadId);
  if (!cached) {
    cached = readReferentialData(db, loadId, millesime).then((data) => new Referential(data));
    cached.catch(() => referentials!.delete(loadId));
    referentials.set(loadId, cached);
    if (referentials.size > 4) referentials.delete(referentials.keys().next().value!);
  }
  return cached;
}
