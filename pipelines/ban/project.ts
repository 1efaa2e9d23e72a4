/**
 * From the GROUP BY rows to one record per commune (and arrondissement), with
 * the commune-déléguée breakdown, the Paris/Lyon/Marseille roll-up and the
 * per-IRIS counts. Pure: no I/O, every figure comes from the rows it is given.
 */
import type { Referential } from '../../src/domain/referential.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { REJECT_MALFORMED, REJECT_UNKNOWN } from '../framework/rekey.js';
import type { GroupRow } from './stage.js';
import type { IrisView } from './iris.js';

export const REJECT_SPLIT = 'code commune scindé depuis (adresses non attribuables)';

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
  options: { iris?: IrisView } = {},
): Projection {
  const communes = new Map<string, GroupRow>();
  const deleguees = new Map<string, GroupRow[]>();
  const rejected = new Map<string, number>();
  const rejectedCodes = new Map<string, number>();
  let projected = 0;
  for (const g of groups) {
    if (g.cle.startsWith('!')) {
      if (g.niveau !== 1) continue;
      const reason = g.cle[1] === 'S' ? REJECT_SPLIT : g.cle[1] === 'U' ? REJECT_UNKNOWN : REJECT_MALFORMED;
      rejected.set(reason, (rejected.get(reason) ?? 0) + g.adresses);
      rejectedCodes.set(g.cle.slice(3), (rejectedCodes.get(g.cle.slice(3)) ?? 0) + g.adresses);
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
