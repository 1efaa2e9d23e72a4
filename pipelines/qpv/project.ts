/**
 * QPV × communes: the communes each QPV touches, with the share of the QPV's
 * area inside each commune and the share of each commune's area in QPV.
 * Intersections are computed only for the candidate pairs a flatbush index of
 * commune bounding boxes gives, never for all pairs.
 */
import { featureCollection, intersect } from '@turf/turf';
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { normaliseCommuneCode } from '../../src/domain/codes.js';
import { rekey } from '../framework/rekey.js';
import { roundPositions } from '../framework/geo/crs.js';
import { PolygonIndex } from '../../src/geo/locator.js';
import { type Areal, bbox, geodesicArea, isAreal } from '../../src/geo/measure.js';

/**
 * A commune the producer does not list gets the QPV only above this share of
 * the QPV's area: below, it is the generalisation of commune contours (Etalab
 * files are simplified to 100 m) slicing slivers off a neighbour's QPV.
 */
export const MIN_SHARE_UNDECLARED = 0.01;

export const QPV_CODE = /^Q[NP]\d{3}[0-9A-Z]{3}$/;

/** `insee_com` may hold several codes (`;`, `,`, `|`) and may have lost its leading zero. */
export function parseInseeCom(value: unknown): { codes: string[]; invalid: string[] } {
  if (value === null || value === undefined) return { codes: [], invalid: [] };
  const codes: string[] = [];
  const invalid: string[] = [];
  for (const part of String(value).split(/[;,|\s]+/)) {
    if (!part) continue;
    const c = normaliseCommuneCode(part);
    if (c) codes.push(c);
    else invalid.push(part);
  }
  return { codes: [...new Set(codes)], invalid };
}

/** A QPV feature's code, name and declared communes, as read. */
export function qpvAttributes(a: { code: unknown; nom: unknown; insee: unknown }): { code: string; nom: string; insee: string[]; invalid: string[] } {
  const { codes: insee, invalid } = parseInseeCom(a.insee);
  return { code: String(a.code ?? '').trim().toUpperCase(), nom: String(a.nom ?? '').trim(), insee, invalid };
}

export interface CommuneShape {
  code: string;
  geometry: Areal;
  /** Geodesic area in m². */
  area: number;
}

/** The contours of the `communes-contours` records, with their stored area (computed when absent). */
export function shapesFromContours(records: CommuneRecord[]): CommuneShape[] {
  const out: CommuneShape[] = [];
  for (const r of records) {
    const geometry = r.features?.[0]?.geometry ?? null;
    if (!isAreal(geometry)) continue;
    const stored = (r.data.surface as { m2?: number } | undefined)?.m2;
    out.push({ code: r.code, geometry: geometry as Areal, area: typeof stored === 'number' && stored > 0 ? stored : geodesicArea(geometry as Areal) });
  }
  return out;
}

export interface QpvInCommune {
  code: string;
  nom: string;
  /** Area of the whole QPV (m²). */
  surfaceQpvM2: number;
  /** Area of the QPV inside this commune (m²), null without the commune's contour. */
  surfaceDansCommuneM2: number | null;
  /** Share of the QPV's area inside this commune (0–1). */
  partQpvDansCommune: number | null;
  /** The producer lists this commune in `insee_com`. */
  communeDeclaree: boolean;
  statut?: string;
}

export interface QpvRow {
  code: string;
  nom: string;
  insee: string[];
  geometry: Areal;
}

export class QpvProjector {
  private readonly index: PolygonIndex | undefined;
  private readonly shapes = new Map<string, CommuneShape>();
  private readonly byCommune = new Map<string, { entries: QpvInCommune[]; features: GeoJSON.Feature[] }>();
  /** Pairs tested with turf.intersect (for the summary and the bench). */
  intersections = 0;
  undeclaredKept = 0;
  declaredWithoutOverlap = 0;

  constructor(private readonly referential: Referential, communes: CommuneShape[] | undefined) {
    if (communes) {
      for (const c of communes) this.shapes.set(c.code, c);
      this.index = new PolygonIndex(communes);
    }
  }

  get hasContours(): boolean {
    return this.index !== undefined;
  }

  /** Attaches one QPV to the communes it touches; returns their codes (empty → none found). */
  add(qpv: QpvRow): string[] {
    const qpvArea = geodesicArea(qpv.geometry);
    const declared = new Set<string>();
    for (const c of qpv.insee) {
      const r = rekey(c, this.referential);
      if (r.ok) declared.add(r.code);
    }
    const found = new Map<string, QpvInCommune>();
    if (this.index) {
      const [minX, minY, maxX, maxY] = bbox(qpv.geometry);
      const qpvFeature: GeoJSON.Feature<Areal> = { type: 'Feature', properties: {}, geometry: qpv.geometry };
      for (const code of this.index.candidates(minX, minY, maxX, maxY)) {
        const shape = this.shapes.get(code)!;
        this.intersections++;
        let inside = 0;
        try {
          const inter = intersect(featureCollection([qpvFeature, { type: 'Feature', properties: {}, geometry: shape.geometry } as GeoJSON.Feature<Areal>]));
          if (inter) inside = geodesicArea(inter.geometry);
        } catch {
          continue; // degenerate pair for the clipper: counted as not touching
        }
        const share = qpvArea > 0 ? inside / qpvArea : 0;
        const isDeclared = declared.has(code) || declared.has(this.referential.plmParent(code) ?? '');
        if (inside <= 0 || (!isDeclared && share < MIN_SHARE_UNDECLARED)) continue;
        if (!isDeclared) this.undeclaredKept++;
        found.set(code, {
          code: qpv.code, nom: qpv.nom, surfaceQpvM2: Math.round(qpvArea), surfaceDansCommuneM2: Math.round(inside),
          partQpvDansCommune: round4(share), communeDeclaree: isDeclared,
        });
      }
    }
    for (const code of declared) {
      if (found.has(code)) continue;
      const hasShape = this.shapes.has(code);
      if (hasShape) this.declaredWithoutOverlap++;
      found.set(code, {
        code: qpv.code, nom: qpv.nom, surfaceQpvM2: Math.round(qpvArea),
        surfaceDansCommuneM2: hasShape ? 0 : null, partQpvDansCommune: hasShape ? 0 : null, communeDeclaree: true,
        statut: !this.index ? 'contours communaux indisponibles' : hasShape ? 'commune déclarée sans intersection' : 'contour de la commune absent',
      });
    }
    const feature = (entry: QpvInCommune): GeoJSON.Feature => ({
      type: 'Feature',
      properties: { codeQpv: qpv.code, nomQpv: qpv.nom, partQpvDansCommune: entry.partQpvDansCommune, communeDeclaree: entry.communeDeclaree },
      geometry: roundPositions(qpv.geometry, 7),
    });
    for (const [code, entry] of found) {
      const acc = this.byCommune.get(code) ?? { entries: [], features: [] };
      acc.entries.push(entry);
      acc.features.push({ ...feature(entry), properties: { ...feature(entry).properties, code } });
      this.byCommune.set(code, acc);
    }
    return [...found.keys()];
  }

  *records(inScope: (code: string) => boolean = () => true): Generator<CommuneRecord> {
    for (const [code, acc] of [...this.byCommune].sort(([a], [b]) => (a < b ? -1 : 1))) {
      if (!inScope(code)) continue;
      const shape = this.shapes.get(code);
      const entries = acc.entries.sort((a, b) => (a.code < b.code ? -1 : 1));
      const known = entries.every((e) => e.surfaceDansCommuneM2 !== null) && shape;
      const inQpv = known ? entries.reduce((s, e) => s + (e.surfaceDansCommuneM2 ?? 0), 0) : null;
      const data: Record<string, unknown> = {
        code,
        nom: this.referential.commune(code)?.nom ?? null,
        nombreQpv: entries.length,
        qpv: entries,
        surfaceCommuneM2: shape ? Math.round(shape.area) : null,
        surfaceEnQpvM2: inQpv,
        // QPV do not overlap each other, so their parts inside the commune add up.
        partCommuneEnQpv: inQpv !== null && shape && shape.area > 0 ? round4(inQpv / shape.area) : null,
      };
      if (inQpv === null) data.statut = entries.find((e) => e.statut)?.statut ?? 'contour de la commune absent';
      const rows: Record<string, Scalar>[] = entries.map((e) => ({
        code,
        codeQpv: e.code,
        nomQpv: e.nom,
        surfaceQpvM2: e.surfaceQpvM2,
        surfaceDansCommuneM2: e.surfaceDansCommuneM2,
        partQpvDansCommune: e.partQpvDansCommune,
        communeDeclaree: e.communeDeclaree,
        partCommuneEnQpv: data.partCommuneEnQpv as number | null,
      }));
      yield { code, data, rows, features: acc.features };
    }
  }
}

export const FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Code de la commune' },
  { name: 'codeQpv', type: 'string', description: 'Code du quartier prioritaire (QN…)', aggregation: 'key' },
  { name: 'nomQpv', type: 'string' },
  { name: 'surfaceQpvM2', type: 'number', unit: 'm²', description: 'Aire géodésique du QPV entier' },
  { name: 'surfaceDansCommuneM2', type: 'number', unit: 'm²', description: 'Aire du QPV dans la commune (vide sans contour communal)', aggregation: 'sum' },
  { name: 'partQpvDansCommune', type: 'number', description: 'Part de l\'aire du QPV située dans la commune (0–1)' },
  { name: 'communeDeclaree', type: 'boolean', description: 'La commune figure dans le champ insee_com du producteur' },
  { name: 'partCommuneEnQpv', type: 'number', description: 'Part de l\'aire de la commune classée en QPV (tous QPV, 0–1)' },
];

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
