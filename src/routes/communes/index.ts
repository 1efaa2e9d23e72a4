/** `/commune/{code}` and `/communes?…`: the referential, answered from memory. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, AppDeps } from '../../http/context.js';
import { COMMUNE_CODE, DEPARTEMENT_CODE, SIREN } from '../../domain/codes.js';
import type { CommuneEntry } from '../../domain/referential.js';
import { entriesByPopulation, searchByName } from '../../domain/search.js';
import { problemResponses } from '../../http/problem.js';
import { decimalParam, integerParam } from '../../http/params.js';
import { ApiError } from '../../errors.js';
import { communeJson, communeSchema } from '../../dotation/commune.js';
import { resolveCommune } from './resolve.js';
import { documentedOnly, emptyQuery, validQuery } from '../../http/documented-route.js';
import { communeFeature, communesFeatureCollection, GEOMETRIES, locatePoint, locatedEntries } from '../../dotation/contours.js';

const formatParam = z.enum(['json', 'geojson']).optional().openapi({ description: '`geojson` : une Feature (ou FeatureCollection) avec la géométrie demandée' });
const geometryParam = z.enum(GEOMETRIES).optional().openapi({ description: 'Géométrie : `centre` (défaut, point intérieur), `contour` (polygone), `bbox` (emprise)' });

export const geoJsonSchema = z.object({ type: z.enum(['Feature', 'FeatureCollection']) }).passthrough();
const geoJsonContent = { 'application/geo+json': { schema: geoJsonSchema } };
const geometryFields = {
  centre: z.unknown().optional().openapi({ description: 'Avec `geometry=centre` : point intérieur (GeoJSON Point)' }),
  contour: z.unknown().optional().openapi({ description: 'Avec `geometry=contour` : polygone (GeoJSON)' }),
  bbox: z.unknown().optional().openapi({ description: 'Avec `geometry=bbox` : emprise (GeoJSON Polygon)' }),
};

const codeParam = z.object({
  code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238', description: 'Code INSEE (5 caractères, 2A/2B pour la Corse)' }),
});

const redirectResponses = {
  300: { description: 'Code partagé entre plusieurs communes actuelles : la liste' },
  301: { description: 'Commune déléguée, associée ou ancienne : redirection vers la commune actuelle' },
} as const;

export const communeResponseSchema = communeSchema.extend(geometryFields);

export const getCommune = createRoute({
  method: 'get',
  path: '/commune/{code}',
  tags: ['Communes'],
  summary: 'Une commune (ou un arrondissement municipal) par son code INSEE',
  description: 'Avec `format=geojson`, une Feature dont la géométrie est le centre (défaut), le contour ou l\'emprise (`geometry=contour|centre|bbox`) ; en JSON, `geometry=…` ajoute ce champ.',
  request: { params: codeParam, query: z.object({ format: formatParam, geometry: geometryParam }) },
  responses: {
    200: { description: 'La commune', content: { 'application/json': { schema: communeResponseSchema }, ...geoJsonContent } },
    ...redirectResponses,
    ...problemResponses,
  },
});

const listQuery = z.object({
  codePostal: z.string().regex(/^\d{5}$/, 'un code postal a 5 chiffres').optional(),
  nom: z.string().min(1).max(100).optional(),
  codeDepartement: z.string().regex(DEPARTEMENT_CODE, 'code département inconnu (01…95, 2A, 2B, 971…)').optional(),
  codeEpci: z.string().regex(SIREN, 'un SIREN d\'EPCI a 9 chiffres').optional(),
  code: z.string().regex(COMMUNE_CODE, 'code commune mal formé').optional(),
  type: z.enum(['commune-actuelle', 'arrondissement-municipal']).optional().openapi({ description: 'Par défaut les communes ; les arrondissements municipaux sur demande' }),
  limit: integerParam(1, 50_000).optional(),
  lat: decimalParam(-90, 90).optional().openapi({ description: 'Avec `lon` : la commune qui contient ce point (WGS84)', example: 48.1113 }),
  lon: decimalParam(-180, 180).optional().openapi({ example: -1.6800 }),
  format: formatParam,
  geometry: geometryParam,
});

const locatedSchema = communeSchema.extend({
  arrondissement: z.object({ code: z.string(), nom: z.string() }).optional().openapi({ description: 'Paris, Lyon, Marseille : l\'arrondissement municipal qui contient le point' }),
});

export const communeListSchema = z.array(locatedSchema);

export const listCommunes = createRoute({
  method: 'get',
  path: '/communes',
  tags: ['Communes'],
  summary: 'Recherche de communes par code postal, nom, département, EPCI, ou par point (lat/lon)',
  description: 'Les filtres se combinent. `nom` tolère casse, accents, traits d\'union, apostrophes et st/ste ; les noms qui commencent par la recherche d\'abord, puis ceux qui en contiennent les mots, chaque groupe par population décroissante ; sans `nom`, par population décroissante. `lat`+`lon` : la commune qui contient le point (et l\'arrondissement pour Paris, Lyon, Marseille), liste vide en mer ou hors de France. `format=geojson` : FeatureCollection ; `geometry=contour` exige un filtre (400 sinon, comme geo.api.gouv.fr).',
  request: { query: listQuery },
  responses: {
    200: { description: 'Communes', content: { 'application/json': { schema: communeListSchema }, ...geoJsonContent } },
    ...problemResponses,
  },
});

const GEOJSON_HEADERS = { 'Content-Type': 'application/geo+json; charset=utf-8' };

export function registerCommuneRoutes(app: App, deps?: Pick<AppDeps, 'store'>): void {
  const store = () => {
    if (!deps) throw new ApiError('introuvable', 'Géométries indisponibles sur ce serveur');
    return deps.store;
  };

  const communeQuery = getCommune.request.query;
  const noCommuneQuery = emptyQuery(communeQuery);
  app.openapi(documentedOnly(app, getCommune), async (c) => {
    const commune = resolveCommune(c, c.req.param('code')!);
    const { format, geometry } = validQuery(c, communeQuery, noCommuneQuery);
    const release = c.get('release')!;
    const json = communeJson(release.referential, commune);
    if (format === 'geojson') {
      const feature = await communeFeature(store(), release, json, geometry ?? 'centre');
      return c.json(feature as unknown as { type: 'Feature' }, 200, GEOJSON_HEADERS);
    }
    if (geometry) {
      const feature = await communeFeature(store(), release, json, geometry);
      return c.json({ ...json, [geometry]: feature.geometry }, 200);
    }
    return c.json(json, 200);
  });

  app.openapi(listCommunes, async (c) => {
    const q = c.req.valid('query');
    const release = c.get('release')!;
    const referential = release.referential;
    const type = q.type ?? 'commune-actuelle';
    if ((q.lat === undefined) !== (q.lon === undefined)) throw new ApiError('requete-invalide', 'lat et lon vont ensemble (degrés WGS84)');
    const byPoint = q.lat !== undefined && q.lon !== undefined;
    const arrondissementOf = new Map<string, CommuneEntry>();
    let found: CommuneEntry[];
    if (byPoint) {
      found = [];
      for (const { commune, arrondissement } of locatedEntries(referential, await locatePoint(store(), release, q.lon!, q.lat!))) {
        if (type === 'arrondissement-municipal') {
          if (arrondissement) found.push(arrondissement);
        } else {
          found.push(commune);
          if (arrondissement) arrondissementOf.set(commune.code, arrondissement);
        }
      }
    } else {
      found = entriesByPopulation(referential).filter((e) => e.type === type);
    }
    if (q.code) found = found.filter((e) => e.code === q.code);
    if (q.codePostal) found = found.filter((e) => e.codesPostaux.includes(q.codePostal!));
    if (q.codeDepartement) found = found.filter((e) => e.departement === q.codeDepartement);
    if (q.codeEpci) {
      if (!referential.epci.has(q.codeEpci)) throw new ApiError('introuvable', `Aucun EPCI de SIREN ${q.codeEpci}`);
      found = found.filter((e) => (e.epci ?? referential.commune(e.parent ?? '')?.epci) === q.codeEpci);
    }
    if (q.nom) found = searchByName(referential, q.nom, new Set(found));
    const limit = q.limit ?? (q.nom ? 20 : undefined);
    const items = found.slice(0, limit).map((e) => {
      const a = arrondissementOf.get(e.code);
      return a ? { ...communeJson(referential, e, false), arrondissement: { code: a.code, nom: a.nom } } : communeJson(referential, e, false);
    });
    if (q.format === 'geojson') {
      const filtered = byPoint || Boolean(q.code || q.codePostal || q.nom || q.codeDepartement || q.codeEpci);
      const collection = await communesFeatureCollection(store(), release, items, q.geometry ?? 'centre', filtered);
      return c.json(collection as unknown as { type: 'FeatureCollection' }, 200, GEOJSON_HEADERS);
    }
    if (q.geometry) throw new ApiError('requete-invalide', 'geometry=… s\'utilise avec format=geojson sur /communes');
    return c.json(items, 200);
  });
}
