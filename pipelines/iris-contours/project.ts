/**
 * IRIS per commune: each IRIS belongs to the commune whose code prefixes its
 * 9-character code (never found by intersection: IRIS and commune contours
 * come from different generalisations). Paris, Lyon and Marseille IRIS carry
 * arrondissement codes; the parent commune gets all of them as well.
 */
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';
import { roundPositions } from '../framework/geo/crs.js';
import { rekey } from '../framework/rekey.js';
import { GroupProjector } from '../framework/geo/groups.js';
import type { Areal } from '../../src/geo/measure.js';

export const IRIS_CODE = /^(?:\d{2}|2[AB])\d{7}$/;

export const TYPES: Record<string, string> = {
  H: 'habitat',
  A: 'activité',
  D: 'divers',
  Z: 'commune non découpée',
};

export interface IrisRow {
  code: string;
  nom: string;
  type: string;
  /** Commune code of the IRIS code's prefix (the source's COG). */
  communeSource: string;
  geometry: Areal;
}

/** An IRIS code as the source writes it, trimmed and upper-cased (2A/2B). */
export function irisCode(value: unknown): string {
  return String(value ?? '').trim().toUpperCase();
}

/**
 * The commune an IRIS designates: its code's prefix, in the source's COG (to
 * be re-keyed), or why the IRIS is refused (`commune`: the prefix, when there
 * is a code, for the département filter).
 */
export function irisCommune(code: string, type: unknown): string | { reason: string; commune?: string } {
  if (!IRIS_CODE.test(code)) return { reason: 'code IRIS invalide (9 caractères attendus)', commune: code ? code.slice(0, 5) : undefined };
  if (!(String(type ?? '').trim().toUpperCase() in TYPES)) return { reason: 'type d\'IRIS invalide (H, A, D ou Z attendu)', commune: code.slice(0, 5) };
  return code.slice(0, 5);
}

export type IrisDecision = { ok: true; target: string; rekeyed: boolean } | { ok: false; reason: string };

/** Checks one IRIS's attributes and finds its current commune from the code prefix. */
export function classifyIris(code: unknown, type: unknown, referential: Referential): IrisDecision {
  const commune = irisCommune(typeof code === 'number' ? String(code).padStart(9, '0') : irisCode(code), type);
  if (typeof commune !== 'string') return { ok: false, reason: commune.reason };
  const r = rekey(commune, referential);
  if (!r.ok) return { ok: false, reason: r.reason };
  return { ok: true, target: r.code, rekeyed: r.rekeyed };
}

/** One planned IRIS feature as the projection keeps it. */
export function irisRow(code: unknown, nom: unknown, type: unknown, geometry: Areal): IrisRow {
  const c = String(code).trim().toUpperCase();
  return { code: c, nom: String(nom ?? '').trim(), type: String(type).trim().toUpperCase(), communeSource: c.slice(0, 5), geometry };
}

export const FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Code de la commune (COG du millésime servi)' },
  { name: 'codeIris', type: 'string', description: 'Code IRIS (code commune + 4 caractères)' },
  { name: 'nomIris', type: 'string' },
  { name: 'typeIris', type: 'string', description: 'H habitat, A activité, D divers, Z commune non découpée' },
  { name: 'libelleType', type: 'string' },
  { name: 'codeCommuneSource', type: 'string', description: 'Commune désignée par le code IRIS dans la source (avant recodage)' },
];

interface Item {
  row: IrisRow;
  feature: GeoJSON.Feature;
}

function item(target: string, row: IrisRow): Item {
  return {
    row,
    feature: {
      type: 'Feature',
      properties: { code: target, codeIris: row.code, nomIris: row.nom, typeIris: row.type },
      geometry: roundPositions(row.geometry, 7),
    },
  };
}

export function buildIrisRecord(target: string, items: Item[], referential: Referential, arrondissements?: string[]): CommuneRecord {
  const sorted = [...items].sort((a, b) => (a.row.code < b.row.code ? -1 : a.row.code > b.row.code ? 1 : 0));
  const parType: Record<string, number> = { H: 0, A: 0, D: 0, Z: 0 };
  for (const i of sorted) parType[i.row.type]++;
  const former = [...new Set(sorted.map((i) => i.row.communeSource).filter((c) => c !== target && referential.plmParent(c) !== target))].sort();
  const data: Record<string, unknown> = {
    code: target,
    nom: referential.commune(target)?.nom ?? null,
    nombreIris: sorted.length,
    parType,
    iris: sorted.map((i) => ({ code: i.row.code, nom: i.row.nom, type: i.row.type, libelleType: TYPES[i.row.type] })),
  };
  if (arrondissements) data.arrondissements = arrondissements;
  if (former.length) data.recodage = { cog: referential.millesime, depuis: former };
  const rows: Record<string, Scalar>[] = sorted.map((i) => ({
    code: target,
    codeIris: i.row.code,
    nomIris: i.row.nom,
    typeIris: i.row.type,
    libelleType: TYPES[i.row.type],
    codeCommuneSource: i.row.communeSource,
  }));
  return { code: target, data, rows, features: sorted.map((i) => ({ ...i.feature, properties: { ...i.feature.properties, code: target } })) };
}

/**
 * Groups IRIS by current commune and hands out each commune's record as soon
 * as its last IRIS arrives (counts from a first pass), then the PLM parents.
 */
export class IrisProjector {
  private readonly groups: GroupProjector<Item, CommuneRecord>;
  private readonly plm = new Map<string, { items: Item[]; arrondissements: Set<string> }>();

  constructor(private readonly referential: Referential, expected: Map<string, number>) {
    this.groups = new GroupProjector<Item, CommuneRecord>(expected, (target, group) => this.complete(target, group));
  }

  get peakHeld(): number {
    return this.groups.peakHeld;
  }

  add(target: string, row: IrisRow): CommuneRecord | undefined {
    return this.groups.add(target, item(target, row));
  }

  private complete(target: string, group: Item[]): CommuneRecord {
    const parent = this.referential.plmParent(target);
    if (parent) {
      const acc = this.plm.get(parent) ?? { items: [], arrondissements: new Set<string>() };
      acc.items.push(...group);
      acc.arrondissements.add(target);
      this.plm.set(parent, acc);
    }
    return buildIrisRecord(target, group, this.referential);
  }

  *finish(): Generator<CommuneRecord> {
    yield* this.groups.finish();
    for (const [parent, acc] of this.plm) yield buildIrisRecord(parent, acc.items, this.referential, [...acc.arrondissements].sort());
    this.plm.clear();
  }
}
