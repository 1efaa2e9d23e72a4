/**
 * ARCEP « Mon réseau mobile » sites (sources.md §5): per commune and operator,
 * the number of sites and those carrying 2G, 3G, 4G, 5G (and 5G 3.5 GHz,
 * « zone blanche » and DCC programmes). Metropole and overseas files together.
 *
 * DuckDB reads both files with the declared columns (flags and coordinates
 * typed, so a value that does not convert stops the run with its line and
 * column) and groups by commune code and operator; the commune codes are
 * normalised, re-keyed onto the release's COG and Paris/Lyon/Marseille get
 * the sum of their arrondissements.
 */
import { basename } from 'node:path';
import type { SourcePipeline } from '../framework/types.js';
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';
import { SourceError } from '../framework/errors.js';
import { readFirstLine } from '../framework/csv-header.js';
import { departementOf, normaliseCommuneCode } from '../../src/domain/codes.js';
import { rekey } from '../framework/rekey.js';

export const SITES_COLUMNS = [
  'code_op', 'nom_op', 'num_site', 'id_site_partage', 'id_station_anfr', 'x', 'y', 'latitude', 'longitude', 'nom_reg', 'nom_dep',
  'insee_dep', 'nom_com', 'insee_com', 'site_2g', 'site_3g', 'site_4g', 'site_5g', 'mes_4g_trim', 'site_ZB', 'site_DCC',
  'site_strategique', 'site_capa_240mbps', 'date_ouverturecommerciale_5g', 'site_5g_700_m_hz', 'site_5g_800_m_hz',
  'site_5g_1800_m_hz', 'site_5g_2100_m_hz', 'site_5g_3500_m_hz',
] as const;

const FLAGS = ['site_2g', 'site_3g', 'site_4g', 'site_5g', 'mes_4g_trim', 'site_ZB', 'site_DCC', 'site_strategique', 'site_capa_240mbps',
  'site_5g_700_m_hz', 'site_5g_800_m_hz', 'site_5g_1800_m_hz', 'site_5g_2100_m_hz', 'site_5g_3500_m_hz'];
const NUMBERS = ['x', 'y', 'latitude', 'longitude'];

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

interface OperatorCounts {
  codeOperateur: string; nomOperateur: string;
  sites: number; sites2g: number; sites3g: number; sites4g: number; sites5g: number; sites5g3500: number; sitesZoneBlanche: number; sitesDcc: number;
}
const COUNT_KEYS = ['sites', 'sites2g', 'sites3g', 'sites4g', 'sites5g', 'sites5g3500', 'sitesZoneBlanche', 'sitesDcc'] as const;

function sqlList(files: string[]): string {
  return files.map((f) => `'${f.replaceAll("'", "''")}'`).join(', ');
}

export function sitesReadCsv(files: string[]): string {
  const columns = SITES_COLUMNS.map((c) => `'${c}': '${FLAGS.includes(c) ? 'UTINYINT' : NUMBERS.includes(c) ? 'DOUBLE' : 'VARCHAR'}'`).join(', ');
  return `read_csv([${sqlList(files)}], columns = {${columns}}, header = true, auto_detect = false, delim = ';', quote = '"', escape = '"', strict_mode = true)`;
}

async function checkHeader(sourceId: string, file: string): Promise<void> {
  const found = (await readFirstLine(file)).replace(/^\uFEFF/, '').replace(/\r$/, '').split(';').map((h) => h.replace(/^"(.*)"$/, '$1'));
  for (let i = 0; i < Math.max(found.length, SITES_COLUMNS.length); i++) {
    if (found[i] !== SITES_COLUMNS[i]) {
      throw new SourceError(sourceId, file, found[i] === undefined ? `colonne « ${SITES_COLUMNS[i]} » absente`
        : `en-tête « ${found[i]} » au lieu de « ${SITES_COLUMNS[i] ?? '(fin de ligne)'} »`, 1, i + 1);
    }
  }
}

function duckError(sourceId: string, files: string[], error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  const line = /CSV Error on Line: (\d+)/.exec(message);
  if (!line) return error;
  const file = /^\s*file = (.+)$/m.exec(message)?.[1]?.trim() ?? files.join(', ');
  const column = /Error when converting column "([^"]+)"/.exec(message)?.[1];
  const value = /Could not convert string "([^"]*)"/.exec(message)?.[1];
  const problem = column ? `valeur « ${value} » non conforme (${FLAGS.includes(column) ? '0 ou 1' : 'nombre'} attendu)` : message.split('\n')[0];
  return new SourceError(sourceId, file, problem, Number(line[1]), column);
}

/** Quarter of the file name (`2026_T1_sites_Metropole.csv` → `2026_T1`). */
export function quarterOf(files: string[]): string | undefined {
  for (const f of files) {
    const m = /(\d{4})_T([1-4])/.exec(basename(f));
    if (m) return `${m[1]}_T${m[2]}`;
  }
  return undefined;
}

const pipeline: SourcePipeline = {
  id: 'arcep-sites',
  async run(ctx) {
    const sourceId = ctx.source.id;
    for (const f of ctx.files) await checkHeader(sourceId, f);
    const flagSum = (c: string) => `sum(${c})::BIGINT`;
    let reader;
    try {
      reader = await ctx.duckdb.runAndReadAll(`
SELECT insee_com, code_op, min(nom_op) AS nom_op, count(*)::BIGINT AS sites,
  ${flagSum('site_2g')} AS s2g, ${flagSum('site_3g')} AS s3g, ${flagSum('site_4g')} AS s4g, ${flagSum('site_5g')} AS s5g,
  ${flagSum('site_5g_3500_m_hz')} AS s5g3500, ${flagSum('site_ZB')} AS zb, ${flagSum('site_DCC')} AS dcc,
  count(*) FILTER (WHERE ${FLAGS.map((f) => `${f} > 1`).join(' OR ')})::BIGINT AS bad_flags,
  count(*) FILTER (WHERE code_op IS NULL)::BIGINT AS sans_operateur
FROM ${sitesReadCsv(ctx.files)}
GROUP BY insee_com, code_op`);
    } catch (error) {
      throw duckError(sourceId, ctx.files, error);
    }
    const groups = reader.getRowObjectsJS();
    const bad = groups.reduce((s, g) => s + Number(g.bad_flags) + Number(g.sans_operateur), 0);
    if (bad) throw new SourceError(sourceId, ctx.files.join(', '), `${bad} ligne(s) avec un indicateur site_* hors de 0/1 ou sans code_op`);

    const wanted = new Set(ctx.departements);
    const byCommune = new Map<string, Map<string, OperatorCounts>>();
    let read = 0;
    let projected = 0;
    let outOfScope = 0;
    for (const g of groups) {
      const n = Number(g.sites);
      const code = normaliseCommuneCode(g.insee_com);
      if (wanted.size && code && !wanted.has(ctx.referential.commune(code)?.departement ?? departementOf(code))) {
        outOfScope += n;
        continue;
      }
      read += n;
      if (!code) {
        ctx.report.rejected('code commune absent ou invalide', n);
        continue;
      }
      const target = rekey(code, ctx.referential);
      if (!target.ok) {
        ctx.report.rejected(target.reason, n);
        continue;
      }
      projected += n;
      const operators = byCommune.get(target.code) ?? new Map<string, OperatorCounts>();
      byCommune.set(target.code, operators);
      const op = String(g.code_op);
      const counts = operators.get(op) ?? {
        codeOperateur: op, nomOperateur: String(g.nom_op ?? op), sites: 0, sites2g: 0, sites3g: 0, sites4g: 0, sites5g: 0, sites5g3500: 0, sitesZoneBlanche: 0, sitesDcc: 0,
      };
      counts.sites += n;
      counts.sites2g += Number(g.s2g);
      counts.sites3g += Number(g.s3g);
      counts.sites4g += Number(g.s4g);
      counts.sites5g += Number(g.s5g);
      counts.sites5g3500 += Number(g.s5g3500);
      counts.sitesZoneBlanche += Number(g.zb);
      counts.sitesDcc += Number(g.dcc);
      operators.set(op, counts);
    }
    ctx.report.read(read);
    ctx.report.projected(projected);
    if (outOfScope) ctx.report.note('hors des départements demandés', outOfScope);

    // Paris, Lyon, Marseille: sites are located in an arrondissement; the commune gets their sum.
    for (const code of [...byCommune.keys()]) {
      const parent = ctx.referential.plmParent(code);
      if (!parent) continue;
      const total = byCommune.get(parent) ?? new Map<string, OperatorCounts>();
      byCommune.set(parent, total);
      for (const c of byCommune.get(code)!.values()) {
        const t = total.get(c.codeOperateur) ?? { ...c, ...Object.fromEntries(COUNT_KEYS.map((k) => [k, 0])) } as OperatorCounts;
        for (const k of COUNT_KEYS) t[k] += c[k];
        total.set(c.codeOperateur, t);
      }
    }
    const trimestre = quarterOf(ctx.files);
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
          arrondissements: ctx.referential.arrondissementsOf(code).filter((a) => byCommune.has(a)),
        },
        rows: list.map((o) => ({ code, ...o }) as Record<string, Scalar>),
      };
    });
    for (const r of records) if (!(r.data.arrondissements as string[]).length) delete r.data.arrondissements;
    return {
      millesime: trimestre,
      fields: FIELDS,
      communes: records,
      metadata: {
        definitions: {
          sites: 'sites de l’opérateur localisés dans la commune (insee_com)',
          sites5g3500: 'sites 5G dans la bande 3,5 GHz (site_5g_3500_m_hz)',
          totalSitesOperateurs: 'somme des sites des opérateurs: un site partagé compte une fois par opérateur',
        },
      },
    };
  },
};

export default pipeline;
