/**
 * QPV × communes: the communes each QPV touches, with the share of the QPV's
 * area inside each commune, the share of the commune's area and of each of its
 * IRIS covered by the QPV, and the share of each commune's area in QPV.
 * Intersections are computed only for the candidate pairs a flatbush index of
 * bounding boxes gives, never for all pairs.
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

/** Below this share of an IRIS covered by a QPV, the overlap is the two generalisations disagreeing on a border. */
export const MIN_SHARE_IRIS = 0.001;

export const QPV_CODE = /^Q[NP]\d{3}[0-9A-Z]{3}$/;

/** The geography a layer follows, from its code field's spelling: 2015 `CODE_QP`, 2024 `code_qp`. */
export function geographyOf(codeField: string | undefined): '2015' | '2024' {
  return codeField === 'CODE_QP' ? '2015' : '2024';
}

/** How the figures were computed, for the dataset's metadata. */
export function qpvMetadata(millesime: string, contours: boolean, iris: boolean): Record<string, unknown> {
  return {
    geographie: millesime === '2015'
      ? 'QPV 2015 (décret 2014-1750): communes localisées par le contour du QPV, vérifiées sur le nom COMMUNE_QP'
      : 'QPV 2024 (décret 2023-1314)',
    partQpvDansCommune: 'aire géodésique de l\'intersection QPV ∩ commune / aire du QPV',
    partDeLaCommune: 'aire de QPV ∩ commune / aire de la commune',
    partDeLIris: `aire de QPV ∩ IRIS / aire de l'IRIS (IRIS couverts à moins de ${MIN_SHARE_IRIS * 100} % omis)`,
    partCommuneEnQpv: 'somme des aires des QPV dans la commune / aire de la commune',
    seuilCommunesNonDeclarees: MIN_SHARE_UNDECLARED,
    contoursCommunaux: contours ? 'communes-contours (même version)' : null,
    contoursIris: iris ? 'iris-contours (même version)' : null,
  };
}

/** A commune name reduced for comparison: no accents, case, punctuation; « St »/« Ste » spelled out. */
export function comparableName(name: string): string {
  return name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim()
    .replace(/\bst\b/g, 'saint').replace(/\bste\b/g, 'sainte');
}

/** Whether the producer's commune label (2015: `COMMUNE_QP`, several names separated by `,` `;` `/`) names one of `names`. */
export function labelNames(label: string, names: string[]): boolean {
  const parts = new Set(label.split(/[,;/]/).map(comparableName));
  return names.some((n) => n && parts.has(comparableName(n)));
}

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
  /** Share of the commune's area covered by this QPV (0–1), null without the commune's contour. */
  partDeLaCommune: number | null;
  /** The commune's IRIS the QPV covers, with the share of each IRIS's area it covers (absent without IRIS contours). */
  iris?: { code: string; nom: string; partDeLIris: number }[];
  /** The producer lists this commune (2024: `insee_com`; 2015: its name in `COMMUNE_QP`). */
  communeDeclaree: boolean;
  statut?: string;
}

/** One IRIS of the `iris-contours` records, for the QPV × IRIS shares. */
export interface IrisShape {
  code: string;
  nom: string;
  commune: string;
  geometry: Areal;
}

/** The IRIS polygons of the `iris-contours` records, once each (PLM parents repeat their arrondissements'). */
export function shapesFromIris(records: CommuneRecord[]): IrisShape[] {
  const out = new Map<string, IrisShape>();
  for (const r of records) {
    for (const f of r.features ?? []) {
      const code = String(f.properties?.codeIris ?? '');
      if (!code || out.has(code) || !isAreal(f.geometry)) continue;
      out.set(code, { code, nom: String(f.properties?.nomIris ?? ''), commune: r.code, geometry: f.geometry as Areal });
    }
  }
  return [...out.values()];
}

export interface QpvRow {
  code: string;
  nom: string;
  insee: string[];
  /** 2015 layout: the commune as the producer names it (`COMMUNE_QP`), no code. */
  communeNom?: string;
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
  /** 2015 layout: QPV none of whose located communes bears the name of `COMMUNE_QP`. */
  readonly nameMismatches: string[] = [];
  private readonly iris = new Map<string, IrisShape & { area?: number }>();
  private readonly irisIndex: PolygonIndex | undefined;

  constructor(private readonly referential: Referential, communes: CommuneShape[] | undefined, iris?: IrisShape[]) {
    if (communes) {
      for (const c of communes) this.shapes.set(c.code, c);
      this.index = new PolygonIndex(communes);
    }
    if (iris) {
      for (const i of iris) this.iris.set(i.code, i);
      this.irisIndex = new PolygonIndex(iris);
    }
  }

  /** Today's name of the commune and the names it had (a 2015 label may predate a merger). */
  private namesOf(code: string): string[] {
    const parent = this.referential.plmParent(code);
    return [code, ...(parent ? [parent] : [])].flatMap((c) => [this.referential.commune(c)?.nom ?? '', ...this.referential.formerCodesOf(c).map((e) => e.ancienNom)]);
  }

  /** Per commune, the IRIS the QPV covers with the share of each IRIS's area. */
  private irisShares(qpv: GeoJSON.Feature<Areal>, box: number[]): Map<string, { code: string; nom: string; partDeLIris: number }[]> {
    const out = new Map<string, { code: string; nom: string; partDeLIris: number }[]>();
    if (!this.irisIndex) return out;
    for (const code of this.irisIndex.candidates(box[0], box[1], box[2], box[3])) {
      const iris = this.iris.get(code)!;
      const inside = intersectionArea(qpv, iris.geometry);
      if (inside === undefined || inside <= 0) continue;
      iris.area ??= geodesicArea(iris.geometry);
      const share = inside / iris.area;
      if (share < MIN_SHARE_IRIS) continue;
      const list = out.get(iris.commune) ?? [];
      list.push({ code, nom: iris.nom, partDeLIris: round4(Math.min(share, 1)) });
      out.set(iris.commune, list);
    }
    return out;
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
    const named = (code: string) => qpv.communeNom !== undefined && labelNames(qpv.communeNom, this.namesOf(code));
    if (this.index) {
      const box = bbox(qpv.geometry);
      const qpvFeature: GeoJSON.Feature<Areal> = { type: 'Feature', properties: {}, geometry: qpv.geometry };
      const irisShares = this.irisShares(qpvFeature, box);
      for (const code of this.index.candidates(box[0], box[1], box[2], box[3])) {
        const shape = this.shapes.get(code)!;
        this.intersections++;
        const inside = intersectionArea(qpvFeature, shape.geometry);
        if (inside === undefined) continue; // degenerate pair for the clipper: counted as not touching
        const share = qpvArea > 0 ? inside / qpvArea : 0;
        const isDeclared = declared.has(code) || declared.has(this.referential.plmParent(code) ?? '') || named(code);
        if (inside <= 0 || (!isDeclared && share < MIN_SHARE_UNDECLARED)) continue;
        if (!isDeclared) this.undeclaredKept++;
        found.set(code, {
          code: qpv.code, nom: qpv.nom, surfaceQpvM2: Math.round(qpvArea), surfaceDansCommuneM2: Math.round(inside),
          partQpvDansCommune: round4(share), partDeLaCommune: shape.area > 0 ? round4(inside / shape.area) : null,
          ...(this.irisIndex ? { iris: (irisShares.get(code) ?? []).sort((a, b) => (a.code < b.code ? -1 : 1)) } : {}),
          communeDeclaree: isDeclared,
        });
      }
      if (qpv.communeNom !== undefined && ![...found.values()].some((e) => e.communeDeclaree)) this.nameMismatches.push(qpv.code);
    }
    for (const code of declared) {
      if (found.has(code)) continue;
      const hasShape = this.shapes.has(code);
      if (hasShape) this.declaredWithoutOverlap++;
      found.set(code, {
        code: qpv.code, nom: qpv.nom, surfaceQpvM2: Math.round(qpvArea),
        surfaceDansCommuneM2: hasShape ? 0 : null, partQpvDansCommune: hasShape ? 0 : null, partDeLaCommune: hasShape ? 0 : null, communeDeclaree: true,
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
        partDeLaCommune: e.partDeLaCommune,
        communeDeclaree: e.communeDeclaree,
        partCommuneEnQpv: data.partCommuneEnQpv as number | null,
      }));
      const features = acc.features.sort((a, b) => (String(a.properties!.codeQpv) < String(b.properties!.codeQpv) ? -1 : 1));
      yield { code, data, rows, features };
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
  { name: 'partDeLaCommune', type: 'number', description: 'Part de l\'aire de la commune couverte par ce QPV (0–1)' },
  { name: 'communeDeclaree', type: 'boolean', description: 'Le producteur nomme la commune (insee_com en 2024, COMMUNE_QP en 2015)' },
  { name: 'partCommuneEnQpv', type: 'number', description: 'Part de l\'aire de la commune classée en QPV (tous QPV, 0–1)' },
];

/** Geodesic area of a ∩ b in m², undefined when the clipper fails on the pair. */
function intersectionArea(a: GeoJSON.Feature<Areal>, b: Areal): number | undefined {
  try {
    const inter = intersect(featureCollection([a, { type: 'Feature', properties: {}, geometry: b } as GeoJSON.Feature<Areal>]));
    return inter ? geodesicArea(inter.geometry) : 0;
  } catch {
    return undefined;
  }
}

function round4(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
