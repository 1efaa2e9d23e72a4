/**
 * INSEE "Base du comparateur de territoires": population, births and deaths,
 * dwellings, income, jobs and establishments for every commune and
 * arrondissement municipal, with the definitions of the INSEE dictionary.
 *
 * stage (DuckDB, all VARCHAR) → check (header by name, numbers) → project
 * (re-key onto today's COG, pure functions in project.ts).
 */
import { basename } from 'node:path';
import type { SourceContext, SourceOutput, SourcePipeline } from '../framework/types.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';
import { SourceError } from '../framework/errors.js';
import { locateFiles } from './files.js';
import { readFirstLines, splitLine } from '../framework/csv-header.js';
import { checkValues, numericSql, readDictionary, stageTable } from './stage.js';
import { bindHeader, HeaderProblem, type HeaderBinding } from './variables.js';
import {
  definitions, FIELDS, indicateurs, mergeRows, toRows, type IndicatorDefinition, type SourceRow,
} from './project.js';

export const SOURCE_ID = 'statistiques-insee';

/** Reasons a row is set aside, as they appear in the run summary. */
export const REJECT = {
  split: 'commune scindée depuis l’édition : non projetable',
  unknown: 'code absent du COG en vigueur (ni commune, ni ancien code connu)',
} as const;

/** A 4-digit all-digit code lost its leading zero in some re-saved copy. */
export function normaliseCode(raw: string): string {
  const code = raw.trim();
  return /^\d{4}$/.test(code) ? `0${code}` : code;
}

interface Group { rows: SourceRow[] }

async function run(ctx: SourceContext): Promise<SourceOutput> {
  const sourceId = ctx.source.id;
  const files = await locateFiles(sourceId, ctx.files, ctx.workDir);

  const [headerLine] = readFirstLines(files.data, 1);
  const header = splitLine(headerLine ?? '').map((h) => h.trim());
  let binding: HeaderBinding;
  try {
    binding = bindHeader(header);
  } catch (e) {
    if (e instanceof HeaderProblem) throw new SourceError(sourceId, files.dataName, e.message, 1, e.column);
    throw e;
  }
  const all = [...binding.indicators, ...binding.uncatalogued];

  const dictionary = await readDictionary(ctx.duckdb, sourceId, files.meta, files.metaName);
  const table = `${sourceId.replace(/-/g, '_')}_brut`;
  ctx.progress.update('lecture', 0);
  await stageTable(ctx.duckdb, sourceId, table, files.data, files.dataName, header.length);
  await checkValues(ctx.duckdb, sourceId, table, files.dataName, binding.codeColumn, all);

  const defs = definitions(binding, dictionary);
  const defsById = new Map<string, IndicatorDefinition>(defs.map((d) => [d.id, d]));
  const withoutDefinition = all.filter((i) => !dictionary.has(i.variable)).map((i) => i.variable);

  // Re-key while reading: today's code → the source rows that make it up.
  const groups = new Map<string, Group>();
  const setAside: { code: string; ligne: number; raison: string; codesActuels: string[] }[] = [];
  let outsideFilter = 0;
  const select = [`c${binding.codeColumn}`, ...all.map((i) => numericSql(`c${i.column}`))].join(', ');
  const result = await ctx.duckdb.stream(`SELECT rowid, ${select} FROM ${table} ORDER BY rowid`);
  let done = 0;
  for await (const chunk of result.yieldRowsJs()) {
    for (const raw of chunk) {
      const line = Number(raw[0]) + 2;
      const code = normaliseCode(String(raw[1]));
      const values = raw.slice(2).map((v) => (v === null ? null : Number(v)));
      const { codes } = ctx.referential.currentCodes(code);
      if (codes.length === 1 && ctx.departements.length > 0) {
        const dep = ctx.referential.commune(codes[0])?.departement;
        if (!dep || !ctx.departements.includes(dep)) { outsideFilter++; continue; }
      }
      ctx.report.read();
      if (codes.length === 0) {
        ctx.report.rejected(REJECT.unknown);
        setAside.push({ code, ligne: line, raison: REJECT.unknown, codesActuels: [] });
      } else if (codes.length > 1) {
        ctx.report.rejected(REJECT.split);
        setAside.push({ code, ligne: line, raison: REJECT.split, codesActuels: codes });
      } else {
        const group = groups.get(codes[0]) ?? { rows: [] };
        group.rows.push({ code, line, values });
        groups.set(codes[0], group);
        ctx.report.projected();
      }
    }
    done += chunk.length;
    ctx.progress.update('lecture', done);
  }
  await ctx.duckdb.run(`DROP TABLE IF EXISTS ${table}`);

  let merged = 0;
  for (const [code, g] of groups) if (g.rows.length > 1 || g.rows[0].code !== code) merged++;
  ctx.report.note('communesRecompteesDepuisAnciensCodes', merged);
  if (outsideFilter) ctx.report.note('lignesHorsFiltreDepartements', outsideFilter);
  if (binding.missing.length) ctx.report.note('indicateursAbsentsDeCetteEdition', binding.missing.join(', '));
  if (binding.uncatalogued.length) ctx.report.note('variablesNonCataloguees', binding.uncatalogued.map((i) => i.variable).join(', '));
  if (withoutDefinition.length) ctx.report.note('variablesSansDefinition', withoutDefinition.join(', '));

  function* communes(): Iterable<CommuneRecord> {
    for (const [code, group] of groups) {
      const cells = mergeRows(group.rows, all);
      const values = indicateurs(cells, binding, defsById);
      const sourceCodes = group.rows.map((r) => r.code);
      const rekeyed = group.rows.length > 1 || sourceCodes[0] !== code;
      yield {
        code,
        data: {
          millesime: `RP${binding.millesimeRP}`,
          indicateurs: values,
          ...(rekeyed ? { codesSommes: [...new Set(sourceCodes)].sort() } : {}),
        },
        rows: toRows(code, values),
      };
    }
  }

  return {
    millesime: `RP${binding.millesimeRP}`,
    fields: FIELDS,
    communes: communes(),
    metadata: {
      fichier: files.dataName,
      dictionnaire: basename(files.metaName),
      recensement: binding.millesimeRP,
      definitions: defs,
      statuts: {
        secret: 'Valeur non diffusée par l’INSEE : case vide ou « s » dans le fichier (secret statistique, ou donnée indisponible comme le recensement à Mayotte).',
        'non-additionnable': 'Commune fusionnée depuis l’édition : les médianes, parts et taux des anciennes communes ne s’additionnent pas.',
      },
      indicateursAbsents: binding.missing,
      lignesEcartees: setAside,
    },
  };
}

const pipeline: SourcePipeline = { id: SOURCE_ID, run };
export default pipeline;
