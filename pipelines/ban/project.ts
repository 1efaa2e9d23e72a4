/**
 * From the GROUP BY rows of stage.sql to one record per commune (and
 * arrondissement), with the commune-déléguée breakdown, the Paris/Lyon/Marseille
 * roll-up and the per-IRIS counts. Pure: no I/O, every figure comes from the
 * rows it is given.
 */
import type { Referential } from '../../src/domain/referential.js';
import type { CommuneRecord, FieldSchema } from '../../src/contract/dataset.js';
import { BAN_COLUMNS } from '../../src/contract/ban.js';
import { rejectionOf } from '../framework/rekey-keys.js';
import { property, type Zone, type ZoneView } from '../framework/geo/zone-locator.js';

/** One GROUP BY row: `niveau` 1 = the whole commune, 0 = one commune déléguée (or none) inside it. */
export interface GroupRow {
  /** Current commune; `!U:<code>` unknown, `!S:<code>` split since, `!M:<code>` malformed code. */
  cle: string;
  niveau: 0 | 1;
  deleguee: string | null;
  /** `code_insee` values of the file grouped here (several after a merger). */
  codesSource: string[];
  adresses: number;
  voies: number;
  lieuxDits: number;
  certifiees: number;
  sansPosition: number;
  codesPostaux: string[];
  parTypePosition: Record<string, number>;
  parSourcePosition: Record<string, number>;
  parSourceNomVoie: Record<string, number>;
}

/** Values breaking their format, counted by the scan (numero and certification_commune; DuckDB's reader stops on the others). */
export interface FormatChecks { numero: number; x: number; y: number; lon: number; lat: number; certification_commune: number }

type Rows = Map<string, Record<string, unknown>[]>;

/**
 * The groups and format counts from the rows of stage.sql's summary, distinct
 * and histograms queries. `badHistogram` makes the error for a packed
 * histogram that does not unpack (a control character in a value).
 */
export function groupsOf(rows: Rows, badHistogram: (commune: string) => Error): { groups: GroupRow[]; checks: FormatChecks } {
  const key = (r: Record<string, unknown>) => `${r.niveau}|${r.cle}|${r.deleguee ?? '\u0000'}`;
  const checks: FormatChecks = { numero: 0, x: 0, y: 0, lon: 0, lat: 0, certification_commune: 0 };
  const groups = new Map<string, GroupRow>();
  for (const r of rows.get('summary') ?? []) {
    const niveau = Number(r.niveau) as 0 | 1;
    if (niveau === 1) {
      checks.certification_commune += Number(r.bad_certification_commune);
      checks.numero += Number(r.sans_numero);
    }
    groups.set(key(r), {
      cle: String(r.cle),
      niveau,
      deleguee: (r.deleguee as string | null) ?? null,
      codesSource: ((r.codes_source as string[] | null) ?? []).map(String).sort(),
      adresses: Number(r.adresses),
      voies: 0,
      lieuxDits: 0,
      certifiees: Number(r.certifiees),
      sansPosition: Number(r.sans_position),
      codesPostaux: ((r.codes_postaux as string[] | null) ?? []).map(String).sort(),
      parTypePosition: {},
      parSourcePosition: {},
      parSourceNomVoie: {},
    });
  }
  for (const r of rows.get('distinct') ?? []) {
    const g = groups.get(key(r));
    if (!g) continue;
    g.voies = Number(r.voies);
    g.lieuxDits = Number(r.lieux_dits);
  }
  const histogram = { type: 'parTypePosition', sourcePosition: 'parSourcePosition', sourceVoie: 'parSourceNomVoie' } as const;
  for (const r of rows.get('histograms') ?? []) {
    const g = groups.get(key(r));
    if (!g) continue;
    for (const entry of String(r.valeurs).split('\u001e')) {
      const parts = entry.split('\u001f');
      // Separators are ASCII control characters, which no BAN field holds; one that did would be caught here.
      if (parts.length !== 3) throw badHistogram(g.cle);
      const [attribut, val, n] = parts;
      g[histogram[attribut as keyof typeof histogram]][val] = Number(n);
    }
  }
  return { groups: [...groups.values()], checks };
}

/** The IRIS a feature of the `iris-contours` records stands for (its producers spell the columns differently). */
export function irisZone(p: Record<string, unknown> | null): Zone | null {
  const code = property(p, 'codeIris', 'code_iris', 'CODE_IRIS', 'code');
  return code ? { code, nom: property(p, 'nomIris', 'nom_iris', 'NOM_IRIS', 'nom') } : null;
}

export const REJECT_SPLIT = 'code commune scindé depuis (adresses non attribuables)';

/** Columns of `ban.csv` (the export's own), for the pack's datapackage.json. */
export const FIELDS: FieldSchema[] = BAN_COLUMNS.map((name) => {
  const type: FieldSchema['type'] = name === 'numero' || name === 'certification_commune' ? 'integer'
    : ['x', 'y', 'lon', 'lat'].includes(name) ? 'number' : 'string';
  const descriptions: Partial<Record<string, string>> = {
    id: "Clé d'interopérabilité <INSEE>_<voie>_<numéro>[_<suffixe>]",
    code_insee: 'Commune (arrondissement municipal pour Paris, Lyon, Marseille)',
    code_insee_ancienne_commune: 'Commune déléguée ou associée',
    x: 'Abscisse en projection légale du territoire (Lambert-93 en métropole)',
    y: 'Ordonnée en projection légale du territoire',
    lon: 'Longitude WGS84', lat: 'Latitude WGS84',
    certification_commune: '1 si l’adresse est certifiée par la commune',
    cad_parcelles: 'Parcelles cadastrales, séparées par |',
  };
  return { name, type, ...(descriptions[name] ? { description: descriptions[name] } : {}) };
});

/** Definitions of the figures, in the dataset's metadata. */
export const DEFINITIONS = {
  voies: 'voies distinctes: id_fantoir, ou à défaut nom de voie dans la commune (et la commune déléguée)',
  lieuxDits: 'valeurs distinctes de nom_ld',
  partCertifiee: 'part des adresses avec certification_commune = 1',
  iris: 'adresses par IRIS (point dans polygone, contours IRIS de la release)',
};

/** Label for an empty `type_position` / `source_*` in the breakdowns. */
export const NON_RENSEIGNE = 'non renseigné';

export interface AddressStats {
  adresses: number;
  voies: number;
  lieuxDits: number;
  adressesCertifiees: number;
  /** Share of addresses certified by the commune, 0–1 (null without addresses). */
  partCertifiee: number | null;
  codesPostaux: string[];
  parTypePosition: Record<string, number>;
  parSourcePosition: Record<string, number>;
  parSourceNomVoie: Record<string, number>;
  adressesSansPosition: number;
}

export interface BanCommuneData extends AddressStats {
  nom: string | null;
  communesDeleguees?: (AddressStats & { code: string; nom: string | null })[];
  /** Addresses of a commune with déléguées that name none. */
  adressesHorsCommuneDeleguee?: number;
  arrondissements?: { code: string; nom: string | null; adresses: number }[];
  iris?: { zones: { code: string; nom: string | null; adresses: number }[]; adressesHorsIris: number; adressesNonLocalisees: number };
  /** Codes of the file re-keyed onto this commune (former codes), for reading its addresses back. */
  codesSource: string[];
}

const share = (part: number, total: number) => (total ? Math.round((part / total) * 10_000) / 10_000 : null);

function relabel(h: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(h).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) out[k === '' ? NON_RENSEIGNE : k] = v;
  return out;
}

function statsOf(g: GroupRow): AddressStats {
  return {
    adresses: g.adresses,
    voies: g.voies,
    lieuxDits: g.lieuxDits,
    adressesCertifiees: g.certifiees,
    partCertifiee: share(g.certifiees, g.adresses),
    codesPostaux: [...g.codesPostaux].sort(),
    parTypePosition: relabel(g.parTypePosition),
    parSourcePosition: relabel(g.parSourcePosition),
    parSourceNomVoie: relabel(g.parSourceNomVoie),
    adressesSansPosition: g.sansPosition,
  };
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [k, v] of Object.entries(source)) target[k] = (target[k] ?? 0) + v;
}

/** Sum of several communes' stats (Paris, Lyon, Marseille from their arrondissements). Voies and lieux-dits add up per part. */
export function sumStats(parts: AddressStats[]): AddressStats {
  const out: AddressStats = {
    adresses: 0, voies: 0, lieuxDits: 0, adressesCertifiees: 0, partCertifiee: null, codesPostaux: [],
    parTypePosition: {}, parSourcePosition: {}, parSourceNomVoie: {}, adressesSansPosition: 0,
  };
  const postaux = new Set<string>();
  for (const p of parts) {
    out.adresses += p.adresses;
    out.voies += p.voies;
    out.lieuxDits += p.lieuxDits;
    out.adressesCertifiees += p.adressesCertifiees;
    out.adressesSansPosition += p.adressesSansPosition;
    for (const c of p.codesPostaux) postaux.add(c);
    addInto(out.parTypePosition, p.parTypePosition);
    addInto(out.parSourcePosition, p.parSourcePosition);
    addInto(out.parSourceNomVoie, p.parSourceNomVoie);
  }
  out.codesPostaux = [...postaux].sort();
  out.partCertifiee = share(out.adressesCertifiees, out.adresses);
  out.parTypePosition = relabel(out.parTypePosition);
  out.parSourcePosition = relabel(out.parSourcePosition);
  out.parSourceNomVoie = relabel(out.parSourceNomVoie);
  return out;
}

export interface Projection {
  records: CommuneRecord[];
  projected: number;
  rejected: Map<string, number>;
  /** Rejected codes with their row counts, for the run summary. */
  rejectedCodes: Map<string, number>;
}

export function projectGroups(
  groups: GroupRow[], referential: Referential,
  options: { iris?: ZoneView } = {},
): Projection {
  const communes = new Map<string, GroupRow>();
  const deleguees = new Map<string, GroupRow[]>();
  const rejected = new Map<string, number>();
  const rejectedCodes = new Map<string, number>();
  let projected = 0;
  for (const g of groups) {
    const rejection = rejectionOf(g.cle, REJECT_SPLIT);
    if (rejection) {
      if (g.niveau !== 1) continue;
      rejected.set(rejection.reason, (rejected.get(rejection.reason) ?? 0) + g.adresses);
      rejectedCodes.set(rejection.code, (rejectedCodes.get(rejection.code) ?? 0) + g.adresses);
      continue;
    }
    if (g.niveau === 1) {
      communes.set(g.cle, g);
      projected += g.adresses;
    } else {
      const list = deleguees.get(g.cle) ?? [];
      list.push(g);
      deleguees.set(g.cle, list);
    }
  }

  const iris = options.iris;
  const { counts: irisCounts, outside, unlocated } = iris?.tallied() ?? { counts: new Map(), outside: new Map(), unlocated: new Map() };
  const irisOf = (code: string): BanCommuneData['iris'] | undefined => {
    if (!iris?.covers(code)) return undefined;
    const counts = irisCounts.get(code) ?? new Map<string, number>();
    const zones = iris.zonesOf(code).map((z) => ({ code: z.code, nom: z.nom, adresses: counts.get(z.code) ?? 0 }));
    return { zones, adressesHorsIris: outside.get(code) ?? 0, adressesNonLocalisees: unlocated.get(code) ?? 0 };
  };

  // Names of communes déléguées/associées from the COG (the file's own names are not scanned).
  const attachedNames = new Map<string, string>();
  for (const c of referential.data.communes) if (c.type !== 'commune-actuelle' && c.type !== 'arrondissement-municipal') attachedNames.set(c.code, c.nom);
  const nomDeleguee = (code: string) => attachedNames.get(code) ?? referential.commune(code)?.nom ?? null;

  const records: CommuneRecord[] = [];
  const byCode = new Map<string, BanCommuneData>();
  for (const [code, g] of communes) {
    const data: BanCommuneData = { nom: referential.commune(code)?.nom ?? null, ...statsOf(g), codesSource: g.codesSource };
    const parts = (deleguees.get(code) ?? []).sort((a, b) => (a.deleguee ?? '').localeCompare(b.deleguee ?? ''));
    const named = parts.filter((d) => d.deleguee !== null);
    if (named.length) {
      data.communesDeleguees = named.map((d) => ({ code: d.deleguee!, nom: nomDeleguee(d.deleguee!), ...statsOf(d) }));
      data.adressesHorsCommuneDeleguee = parts.find((d) => d.deleguee === null)?.adresses ?? 0;
    }
    const iris = irisOf(code);
    if (iris) data.iris = iris;
    byCode.set(code, data);
    records.push({ code, data: data as unknown as Record<string, unknown> });
  }

  // Paris, Lyon, Marseille: BAN writes the arrondissement; the commune gets the sum, each arrondissement keeps its own.
  const parents = new Set<string>();
  for (const code of byCode.keys()) {
    const parent = referential.plmParent(code);
    if (parent) parents.add(parent);
  }
  for (const parent of [...parents].sort()) {
    const arrondissements = referential.arrondissementsOf(parent).filter((a) => byCode.has(a)).sort();
    const own = byCode.get(parent);
    const parts = arrondissements.map((a) => byCode.get(a)!);
    const sum = sumStats(own ? [own, ...parts] : parts);
    const data: BanCommuneData = {
      nom: referential.commune(parent)?.nom ?? parent,
      ...sum,
      arrondissements: arrondissements.map((a) => ({ code: a, nom: byCode.get(a)!.nom, adresses: byCode.get(a)!.adresses })),
      codesSource: [...(own?.codesSource ?? []), ...parts.flatMap((p) => p.codesSource)],
    };
    const irisParts = parts.map((p) => p.iris).filter((i): i is NonNullable<BanCommuneData['iris']> => !!i);
    if (irisParts.length) {
      data.iris = {
        zones: irisParts.flatMap((i) => i.zones),
        adressesHorsIris: irisParts.reduce((s, i) => s + i.adressesHorsIris, 0),
        adressesNonLocalisees: irisParts.reduce((s, i) => s + i.adressesNonLocalisees, 0),
      };
    }
    if (own) {
      const index = records.findIndex((r) => r.code === parent);
      records[index] = { code: parent, data: data as unknown as Record<string, unknown> };
    } else {
      records.push({ code: parent, data: data as unknown as Record<string, unknown> });
    }
  }
  records.sort((a, b) => a.code.localeCompare(b.code));
  return { records, projected, rejected, rejectedCodes };
}

