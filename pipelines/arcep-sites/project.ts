/**
 * Pure projection of the ARCEP sites: the (commune, operator) groups staged by
 * DuckDB, already re-keyed onto today's communes, become one record per
 * commune with its operators' counts and their total; Paris, Lyon and
 * Marseille get the sum of their arrondissements.
 */
import { basename } from 'node:path';
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import type { Referential } from '../../src/domain/referential.js';

export const FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Commune (COG du millésime servi)' },
  { name: 'codeOperateur', type: 'string', description: 'MCC-MNC de l’opérateur (20801 Orange, 20810 SFR, 20815 Free Mobile, 20820 Bouygues Telecom…)' },
  { name: 'nomOperateur', type: 'string' },
  { name: 'sites', type: 'integer', description: 'Sites de l’opérateur dans la commune' },
  { name: 'sites2g', type: 'integer' },
  { name: 'sites3g', type: 'integer' },
  { name: 'sites4g', type: 'integer' },
  { name: 'sites5g', type: 'integer' },
  { name: 'sites5g3500', type: 'integer', description: 'Sites 5G dans la bande 3,5 GHz' },
  { name: 'sitesZoneBlanche', type: 'integer', description: 'Sites du programme « zones blanches » (site_ZB)' },
  { name: 'sitesDcc', type: 'integer', description: 'Sites du dispositif de couverture ciblée (site_DCC)' },
];

export const METADATA = {
  definitions: {
    sites: 'sites de l’opérateur localisés dans la commune (insee_com)',
    sites5g3500: 'sites 5G dans la bande 3,5 GHz (site_5g_3500_m_hz)',
    totalSitesOperateurs: 'somme des sites des opérateurs: un site partagé compte une fois par opérateur',
  },
};

export interface OperatorCounts {
  codeOperateur: string; nomOperateur: string;
  sites: number; sites2g: number; sites3g: number; sites4g: number; sites5g: number; sites5g3500: number; sitesZoneBlanche: number; sitesDcc: number;
}
const COUNT_KEYS = ['sites', 'sites2g', 'sites3g', 'sites4g', 'sites5g', 'sites5g3500', 'sitesZoneBlanche', 'sitesDcc'] as const;

/** One row of stage.sql (DuckDB's BIGINTs as they come). */
export type SiteGroup = Record<string, unknown>;

/** Today's commune → operator code → counts. */
export type Communes = Map<string, Map<string, OperatorCounts>>;

/** Quarter of the file name (`2026_T1_sites_Metropole.csv` → `2026_T1`). */
export function quarterOf(files: string[]): string | undefined {
  for (const f of files) {
    const m = /(\d{4})_T([1-4])/.exec(basename(f));
    if (m) return `${m[1]}_T${m[2]}`;
  }
  return undefined;
}

/** Adds one staged group to today's commune `code`. */
export function addGroup(byCommune: Communes, code: string, g: SiteGroup): void {
  const operators = byCommune.get(code) ?? new Map<string, OperatorCounts>();
  byCommune.set(code, operators);
  const op = String(g.code_op);
  const counts = operators.get(op) ?? {
    codeOperateur: op, nomOperateur: String(g.nom_op ?? op), sites: 0, sites2g: 0, sites3g: 0, sites4g: 0, sites5g: 0, sites5g3500: 0, sitesZoneBlanche: 0, sitesDcc: 0,
  };
  counts.sites += Number(g.sites);
  counts.sites2g += Number(g.s2g);
  counts.sites3g += Number(g.s3g);
  counts.sites4g += Number(g.s4g);
  counts.sites5g += Number(g.s5g);
  counts.sites5g3500 += Number(g.s5g3500);
  counts.sitesZoneBlanche += Number(g.zb);
  counts.sitesDcc += Number(g.dcc);
  operators.set(op, counts);
}

/** The records, by code; Paris, Lyon, Marseille: sites are located in an arrondissement, the commune gets their sum. */
export function communeRecords(byCommune: Communes, referential: Referential, trimestre: string | undefined): CommuneRecord[] {
  for (const code of [...byCommune.keys()]) {
    const parent = referential.plmParent(code);
    if (!parent) continue;
    const total = byCommune.get(parent) ?? new Map<string, OperatorCounts>();
    byCommune.set(parent, total);
    for (const c of byCommune.get(code)!.values()) {
      const t = total.get(c.codeOperateur) ?? { ...c, ...Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) } as OperatorCounts;
      for (const k of COUNT_KEYS) t[k] += c[k];
      total.set(c.codeOperateur, t);
    }
  }
  const records: CommuneRecord[] = [...byCommune.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([code, operators]) => {
    const list = [...operators.values()].sort((a, b) => a.codeOperateur.localeCompare(b.codeOperateur));
    const total = Object.fromEntries(COUNT_KEYS.map((k) => [k, list.reduce((s, o) => s + o[k], 0)]));
    return {
      code,
      data: {
        trimestre: trimestre ?? null,
        operateurs: list,
        // Sites of each operator added up: a site shared by two operators counts twice.
        totalSitesOperateurs: total,
        arrondissements: referential.arrondissementsOf(code).filter((a) => byCommune.has(a)),
      },
      rows: list.map((o) => ({ code, ...o }) as Record<string, Scalar>),
    };
  });
  for (const r of records) if (!(r.data.arrondissements as string[]).length) delete r.data.arrondissements;
  return records;
}
