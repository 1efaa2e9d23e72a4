/**
 * Projection of commune contours: one record per current commune (or
 * arrondissement municipal) with its contour, a point inside it, its bbox and
 * its geodesic area. Polygons of communes merged since the source's COG are
 * unioned into the commune they form today.
 */
import type { CommuneRecord, FieldSchema } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { roundPositions } from '../framework/geo/crs.js';
import { unionPolygons } from '../framework/geo/polygon-union.js';
import { type Areal, bbox, pointInside, surface } from '../../src/geo/measure.js';

export interface ContourPart {
  /** Commune code as written in the source. */
  code: string;
  nom?: string;
  geometry: Areal;
}

export const FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Code INSEE de la commune (COG du millésime servi)' },
  { name: 'nom', type: 'string' },
  { name: 'centreLon', type: 'number', description: 'Longitude d\'un point intérieur au contour (WGS84)', unit: '°' },
  { name: 'centreLat', type: 'number', description: 'Latitude d\'un point intérieur au contour (WGS84)', unit: '°' },
  { name: 'bboxOuest', type: 'number', unit: '°' },
  { name: 'bboxSud', type: 'number', unit: '°' },
  { name: 'bboxEst', type: 'number', unit: '°' },
  { name: 'bboxNord', type: 'number', unit: '°' },
  { name: 'surfaceM2', type: 'number', description: 'Aire géodésique (ellipsoïde GRS80)', unit: 'm²', aggregation: 'sum' },
  { name: 'surfaceKm2', type: 'number', description: 'Aire géodésique (ellipsoïde GRS80)', unit: 'km²', aggregation: 'sum' },
  { name: 'codesSource', type: 'string', description: 'Codes de la source dont les contours forment celui-ci, séparés par « ; »' },
  { name: 'recode', type: 'boolean', description: 'Vrai quand le contour vient de codes d\'un COG antérieur (fusion, changement de code)' },
];

export function buildContourRecord(target: string, parts: ContourPart[], referential: Referential): CommuneRecord {
  const { geometry: raw } = unionPolygons(parts.map((p) => p.geometry));
  const geometry = roundPositions(raw, 7);
  const entry = referential.commune(target);
  const nom = entry?.nom ?? parts[0].nom ?? null;
  const centre = pointInside(geometry);
  const box = bbox(geometry);
  const area = surface(geometry);
  const sourceCodes = [...new Set(parts.map((p) => p.code))].sort();
  const rekeyed = sourceCodes.some((c) => c !== target);
  const data: Record<string, unknown> = {
    code: target,
    nom,
    centre: { type: 'Point', coordinates: [round(centre[0]), round(centre[1])] },
    bbox: box.map(round),
    surface: area,
    codesSource: sourceCodes,
    recode: rekeyed,
  };
  if (entry?.type === 'arrondissement-municipal' && entry.parent) data.commune = entry.parent;
  if (rekeyed) {
    // The pack says which former communes the contour is made of.
    data.recodage = {
      cog: referential.millesime,
      depuis: sourceCodes.filter((c) => c !== target).map((c) => ({
        code: c,
        nom: parts.find((p) => p.code === c)?.nom ?? referential.formerCodesOf(target).find((e) => e.ancienCode === c)?.ancienNom ?? null,
      })),
    };
  }
  return {
    code: target,
    data,
    rows: [{
      code: target,
      nom,
      centreLon: round(centre[0]),
      centreLat: round(centre[1]),
      bboxOuest: round(box[0]),
      bboxSud: round(box[1]),
      bboxEst: round(box[2]),
      bboxNord: round(box[3]),
      surfaceM2: area.m2,
      surfaceKm2: area.km2,
      codesSource: sourceCodes.join(';'),
      recode: rekeyed,
    }],
    features: [{ type: 'Feature', properties: { code: target, nom, surfaceKm2: area.km2 }, geometry }],
  };
}

function round(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
