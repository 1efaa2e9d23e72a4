/**
 * INSEE naissances and décès domiciliés par commune (Mélodi
 * `DS_ETAT_CIVIL_NAIS_COMMUNES` / `DS_ETAT_CIVIL_DECES_COMMUNES`, sources-wave2
 * §2.1): per commune, births and deaths per year since 2008 and the natural
 * balance. Either file alone, or both; zip or CSV.
 */
import type { SourcePipeline } from '../framework/types.js';
import { expandInputs } from '../framework/geo/archive.js';
import { checkExactHeader, firstLineWhere, runSqlFile } from '../framework/delimited.js';
import { SourceError } from '../framework/errors.js';
import { FIELDS, projectRows, type StagedRow } from './project.js';

const DATA = ['EC_MEASURE', 'FREQ', 'GEO', 'GEO_OBJECT', 'OBS_STATUS', 'TIME_PERIOD', 'OBS_VALUE'];
const METADATA = ['COD_VAR', 'LIB_VAR', 'COD_MOD', 'LIB_MOD'];
/** A refused value, by the count stage.sql returns: the column it is in and the test a plain scan repeats. */
const CHECKS = [
  { count: 'mesure', column: 'EC_MEASURE', bad: (v: string) => v !== 'LVB' && v !== 'DTH', expected: 'LVB ou DTH' },
  { count: 'annee', column: 'TIME_PERIOD', bad: (v: string) => !/^(19|20)\d{2}$/.test(v), expected: 'une année' },
  { count: 'valeur', column: 'OBS_VALUE', bad: (v: string) => v !== '' && !/^-?\d+$/.test(v), expected: 'un nombre entier ou vide' },
];

const pipeline: SourcePipeline = {
  id: 'etat-civil-insee',
  async run(ctx) {
    const files = await expandInputs(ctx.files, ctx.workDir, (name) => /\.csv$/i.test(name));
    const rows: StagedRow[] = [];
    const labels: Record<string, string> = {};
    let otherLevels = 0;
    for (const { file } of files) {
      if (/metadata/i.test(file)) {
        await checkExactHeader(ctx.source.id, file, METADATA);
        const [, result] = await runSqlFile(ctx.duckdb, new URL('./metadata.sql', import.meta.url), { file }, ctx.source.id);
        for (const [variable, code, label] of result) labels[`${variable}.${code}`] = String(label);
        continue;
      }
      await checkExactHeader(ctx.source.id, file, DATA);
      const [, counts, staged] = await runSqlFile(ctx.duckdb, new URL('./stage.sql', import.meta.url), { file }, ctx.source.id);
      const [mesure, annee, valeur, autres] = counts[0].map(Number);
      for (const [i, n] of [mesure, annee, valeur].entries()) {
        if (!n) continue;
        const check = CHECKS[i];
        const { line, value } = await firstLineWhere(file, DATA, check.column, check.bad);
        throw new SourceError(ctx.source.id, file, `valeur « ${value} » inattendue (attendu : ${check.expected})`, line, check.column);
      }
      otherLevels += autres;
      for (const [m, code, statut, y, v] of staged) {
        rows.push({ mesure: m as StagedRow['mesure'], code: String(code), statut: String(statut), annee: Number(y), valeur: v === null ? null : Number(v) });
      }
    }
    const projection = projectRows(rows, ctx.referential, (code) => ctx.scope.includes(code));
    ctx.report.read(projection.read);
    ctx.report.projected(projection.projected);
    for (const [reason, n] of projection.rejected) ctx.report.rejected(reason, n);
    ctx.report.note('lignesAutresNiveaux', otherLevels);
    const years = rows.map((r) => r.annee);
    const measures = new Set(rows.map((r) => r.mesure));
    return {
      millesime: years.length ? String(Math.max(...years)) : undefined,
      fields: FIELDS,
      communes: projection.records,
      metadata: {
        periode: years.length ? `${Math.min(...years)}-${Math.max(...years)}` : null,
        mesures: [...measures].sort().map((m) => ({ code: m, libelle: labels[`EC_MEASURE.${m}`] ?? null })),
        statuts: Object.fromEntries(Object.entries(labels).filter(([k]) => k.startsWith('OBS_STATUS.')).map(([k, v]) => [k.slice(11), v])),
        domicile: 'Événements comptés au domicile (de la mère pour une naissance, du défunt pour un décès), pas au lieu de l\'événement.',
      },
    };
  },
};

export default pipeline;
