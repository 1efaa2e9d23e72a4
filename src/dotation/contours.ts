/**
 * Geometry of communes in the API, from the `communes-contours` load of the
 * serving release: GeoJSON output of `/commune/{code}` and `/communes`
 * (geometry = contour, centre or bbox, as geo.api.gouv.fr), and the commune
 * containing a point (`/communes?lat=…&lon=…`).
 *
 * The point look-up keeps only a flatbush index of the communes' bounding
 * boxes per load (≈ 1 MB for 35,000 communes, built once from the stored
 * bboxes), then reads the few candidate contours from the store: replicas stay
 * light and agree, since a load never changes.
 */
import Flatbush from 'flatbush';
import type { Queryable } from '../db/client.js';
import type { CommuneEntry, Referential } from '../domain/referential.js';
import { ApiError } from '../errors.js';
import type { ServingRelease } from '../releases/serving-release.js';
import { type Located, locateAmong } from '../geo/locator.js';
import type { Areal } from '../geo/measure.js';

export const CONTOURS_SOURCE = 'communes-contours';

export const GEOMETRIES = ['contour', 'centre', 'bbox'] as const;
export type GeometryKind = (typeof GEOMETRIES)[number];

function contoursLoad(release: ServingRelease): number {
  const loadId = release.loads[CONTOURS_SOURCE];
  if (!loadId) throw new ApiError('introuvable', `Les contours des communes (${CONTOURS_SOURCE}) ne sont pas chargés dans la release ${release.id} : lancez \`npx dotation ingest ${CONTOURS_SOURCE}\`.`);
  return loadId;
}

interface ContourRow {
  code: string;
  centre: GeoJSON.Point | null;
  bbox: number[] | null;
  features?: GeoJSON.Feature[] | null;
}

async function contourRows(db: Queryable, loadId: number, codes: string[] | undefined, withContour: boolean): Promise<ContourRow[]> {
  const columns = `code, data->'centre' AS centre, data->'bbox' AS bbox${withContour ? ', features' : ''}`;
  return codes
    ? db.query<ContourRow>(`SELECT ${columns} FROM commune_datasets WHERE load_id = $1 AND code = ANY($2::text[])`, [loadId, codes])
    : db.query<ContourRow>(`SELECT ${columns} FROM commune_datasets WHERE load_id = $1`, [loadId]);
}

export function geometryOf(row: ContourRow, kind: GeometryKind): GeoJSON.Geometry | null {
  switch (kind) {
    case 'centre':
      return row.centre ?? null;
    case 'bbox': {
      if (!row.bbox) return null;
      const [w, s, e, n] = row.bbox;
      return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
    }
    case 'contour':
      return row.features?.[0]?.geometry ?? null;
  }
}

/** `/commune/{code}?format=geojson`: one Feature, properties as the JSON answer. */
export async function communeFeature(db: Queryable, release: ServingRelease, properties: Record<string, unknown>, kind: GeometryKind): Promise<GeoJSON.Feature> {
  const [row] = await contourRows(db, contoursLoad(release), [String(properties.code)], kind === 'contour');
  return { type: 'Feature', properties, geometry: row ? geometryOf(row, kind) : null } as GeoJSON.Feature;
}

/** `/communes?format=geojson`: the communes found, each with its geometry. */
export async function communesFeatureCollection(db: Queryable, release: ServingRelease, items: Record<string, unknown>[], kind: GeometryKind, filtered: boolean): Promise<GeoJSON.FeatureCollection> {
  if (kind === 'contour' && !filtered) {
    // As geo.api.gouv.fr: every contour of France in one answer is ≈ 40 MB.
    throw new ApiError('filtre-requis', 'geometry=contour sans filtre renverrait les contours de toutes les communes de France : ajoutez un filtre (codeDepartement, codeEpci, codePostal, nom, code, lat/lon), ou demandez geometry=centre.', {
      exemple: '/communes?codeDepartement=35&format=geojson&geometry=contour',
    });
  }
  const loadId = contoursLoad(release);
  const rows = await contourRows(db, loadId, filtered ? items.map((i) => String(i.code)) : undefined, kind === 'contour');
  const byCode = new Map(rows.map((r) => [r.code, r]));
  return {
    type: 'FeatureCollection',
    features: items.map((properties) => {
      const row = byCode.get(String(properties.code));
      return { type: 'Feature', properties, geometry: row ? geometryOf(row, kind) : null } as GeoJSON.Feature;
    }),
  };
}

interface BboxIndex {
  index: Flatbush | undefined;
  codes: string[];
}

/** Per load, since a load's rows never change; the two most recent are kept. */
const indexes = new Map<number, Promise<BboxIndex>>();

async function bboxIndex(db: Queryable, loadId: number): Promise<BboxIndex> {
  let pending = indexes.get(loadId);
  if (!pending) {
    pending = (async () => {
      const rows = await db.query<{ code: string; bbox: number[] | null }>(`SELECT code, data->'bbox' AS bbox FROM commune_datasets WHERE load_id = $1`, [loadId]);
      const boxed = rows.filter((r) => Array.isArray(r.bbox) && r.bbox.length === 4);
      if (!boxed.length) return { index: undefined, codes: [] };
      const index = new Flatbush(boxed.length);
      for (const r of boxed) index.add(r.bbox![0], r.bbox![1], r.bbox![2], r.bbox![3]);
      index.finish();
      return { index, codes: boxed.map((r) => r.code) };
    })();
    pending.catch(() => indexes.delete(loadId));
    indexes.set(loadId, pending);
    while (indexes.size > 2) indexes.delete(indexes.keys().next().value!);
  }
  return pending;
}

/** The commune (and arrondissement for Paris, Lyon, Marseille) containing the point. */
export async function locatePoint(db: Queryable, release: ServingRelease, lon: number, lat: number): Promise<Located | undefined> {
  const loadId = contoursLoad(release);
  const { index, codes } = await bboxIndex(db, loadId);
  if (!index) return undefined;
  const candidates = index.search(lon, lat, lon, lat).map((i) => codes[i]);
  if (!candidates.length) return undefined;
  const rows = await contourRows(db, loadId, candidates, true);
  const entries = rows.flatMap((r) => {
    const g = r.features?.[0]?.geometry;
    return g && (g.type === 'Polygon' || g.type === 'MultiPolygon') ? [{ code: r.code, geometry: g as Areal }] : [];
  });
  return locateAmong(entries, lon, lat, (c) => release.referential.plmParent(c));
}

export function locatedEntries(referential: Referential, located: Located | undefined): { commune: CommuneEntry; arrondissement?: CommuneEntry }[] {
  if (!located) return [];
  const commune = referential.commune(located.commune);
  if (!commune) return [];
  const arrondissement = located.arrondissement ? referential.commune(located.arrondissement) : undefined;
  return [{ commune, arrondissement }];
}
