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

/**
 * One table of a COG load as a JSON array built by the database, in the shape of ReferentialData (absent
 * values left out): one text value to parse instead of a row object per commune, which on PGlite cost
 * ~1.5 s of CPU for the 37 000 rows of cog_communes, read at every ingestion and every server start. Each row
 * comes as an array of its values, named here: half the text of an object per row, and no `json_strip_nulls`
 * pass in the database (cog_communes on PGlite: 0.4 s of CPU instead of 0.8–1.0).
 */
async function readJsonRows<T>(db: Queryable, table: string, fields: Record<string, string>, loadId: number, order: string): Promise<T[]> {
  const keys = Object.keys(fields);
  const [row] = await db.query<{ rows: string }>(
    `SELECT coalesce(json_agg(json_build_array(${Object.values(fields).join(', ')})${order ? ` ORDER BY ${order}` : ''}), '[]')::text AS rows FROM ${table} WHERE load_id = $1`, [loadId]);
  return (JSON.parse(row.rows) as unknown[][]).map((values) => {
    const object: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) if (values[i] !== null) object[keys[i]] = values[i];
    return object as T;
  });
}

export async function readReferentialData(db: Queryable, loadId: number, millesime: string): Promise<ReferentialData> {
  return {
    millesime,
    communes: await readJsonRows(db, 'cog_communes', {
      code: 'code', type: 'type', nom: 'nom', departement: 'departement', region: 'region', epci: 'epci', siren: 'siren',
      codesPostaux: 'codes_postaux', population: 'population', zone: 'zone', parent: 'parent',
    }, loadId, 'code, type'),
    history: await readJsonRows(db, 'cog_history', {
      ancienCode: 'ancien_code', ancienNom: 'ancien_nom', nouveauCode: 'nouveau_code', nouveauNom: 'nouveau_nom', date: 'date', mod: 'mod',
    }, loadId, ''),
    epci: await readJsonRows(db, 'cog_epci', { code: 'code', nom: 'nom', type: 'type', population: 'population', membres: 'membres' }, loadId, 'code'),
    departements: await readJsonRows(db, 'cog_departements', { code: 'code', nom: 'nom', region: 'region', chefLieu: 'chef_lieu', zone: 'zone' }, loadId, 'code'),
    regions: await readJsonRows(db, 'cog_regions', { code: 'code', nom: 'nom', chefLieu: 'chef_lieu', zone: 'zone' }, loadId, 'code'),
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
