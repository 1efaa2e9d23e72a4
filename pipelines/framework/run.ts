/**
 * One ingestion run: fetch → stage → check → project → load for each source
 * asked for, then one publish. Any failure discards this run's loads and
 * leaves the current release exactly as it was.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import type { Store } from '../../src/db/client.js';
import type { Referential } from '../../src/domain/referential.js';
import { currentReleaseId, readLoads, readRelease, referentialOfLoad } from '../../src/releases/repository.js';
import { REFERENTIAL_SOURCE, runReferentialStep } from './referential/step.js';
import { DepartementScope, type ScopeKind } from './scope.js';
import { checkAccounting, checkNotEmpty, checkRowCount, communeKeyCheck } from './checks.js';
import { carryOverOtherDepartements } from './carry-over.js';
import { rekeyedResult } from './older-cog.js';
import { CogChangeError, sourcesOnFormerCodes } from './cog-change.js';
import { faultPoint } from './faults.js';
import { SourceError } from './errors.js';
import { FetchError } from './fetch-http.js';
import { ArchiveError } from './geo/archive.js';
import { checkInputFile } from './input-check.js';
import { reclaimDeadLoads } from './lifecycle.js';
import { openDuckDb } from './duckdb.js';
import type { FetchOptions, FetchedFile } from './fetch.js';
import { allowedHosts, apiKeys, fetchesFromProducer, sourceFiles, type InputPlan } from './inputs.js';
import { credentialFor } from './credentials.js';
import { completeLoad, createLoad, discardLoad, loadCommuneRecords, readCommuneRecords } from './load.js';
import { carryOverTerritories, loadTerritoryRecords } from './territory-records.js';
import type { Provenance, SourceStats } from '../../src/contract/release.js';
import { createProgress, type ProgressFactory } from './progress.js';
import { publishRelease } from './publish.js';
import type { SourceDefinition } from '../../src/contract/registry.js';
import { StatsReport } from './report.js';
import type { CommuneRecord, FieldSchema } from '../../src/contract/dataset.js';
import type { Progress, SourcePipeline } from './types.js';

export interface IngestOptions {
  store: Store;
  registry: SourceDefinition[];
  logger: Logger;
  /** Source ids; empty = every registered source. */
  sources: string[];
  sample?: boolean;
  /** `--input <source>=<path|url>`, several per source allowed. */
  inputs?: Map<string, string[]>;
  departements?: string[];
  projectRoot: string;
  cacheDir: string;
  duckdbPath?: string;
  fetch?: Partial<FetchOptions>;
  progress?: ProgressFactory;
  /** Replaces the pipeline of a source (tests of the framework itself). */
  pipelines?: Record<string, SourcePipeline>;
}

export interface SourceSummary { source: string; loadId: number; millesime: string; stats: SourceStats; files: Provenance['files']; coverage?: Provenance['couverture'] }
/** A source left out of this run (its previous load, if any, keeps serving). */
export interface SkippedSource { source: string; motif: string }
export interface IngestResult {
  releaseId: string;
  sources: SourceSummary[];
  skipped: SkippedSource[];
  /** Loads a killed run had left `loading`, marked failed and emptied before this run. */
  reclaimed: number[];
}

export class IngestError extends Error {
  constructor(message: string, readonly sources: SourceSummary[], options?: ErrorOptions) { super(message, options); }
}

async function loadPipeline(def: SourceDefinition, overrides?: Record<string, SourcePipeline>): Promise<SourcePipeline> {
  if (overrides?.[def.id]) return overrides[def.id];
  // The folder comes from the validated registry; a file URL keeps bundlers (vitest) from rewriting the import.
  const url = new URL(`../${def.pipeline ?? def.id}/source.ts`, import.meta.url).href;
  const module = (await import(/* @vite-ignore */ url)) as { default?: SourcePipeline };
  if (!module.default?.run) throw new Error(`pipelines/${def.pipeline ?? def.id}/source.ts n'exporte pas de source par défaut`);
  return module.default;
}

/** Every source after the sources it reads. */
function orderSources(ids: string[], dependencies: Map<string, string[]>): string[] {
  const ordered: string[] = [];
  const visit = (id: string, path: string[]) => {
    if (ordered.includes(id) || !ids.includes(id)) return;
    if (path.includes(id)) throw new Error(`dépendance circulaire: ${[...path, id].join(' → ')}`);
    for (const dep of dependencies.get(id) ?? []) visit(dep, [...path, id]);
    ordered.push(id);
  };
  for (const id of ids) visit(id, []);
  return ordered;
}

function toProvenance(files: FetchedFile[], projectRoot: string): Provenance {
  return {
    files: files.map((f) => ({
      url: f.url.startsWith('http') ? f.url : undefined,
      path: f.path.startsWith(projectRoot) ? f.path.slice(projectRoot.length + 1) : f.path,
      sha256: f.sha256, bytes: f.bytes, retrievedAt: f.retrievedAt,
    })),
  };
}

/** The files of one source, each checked whole before any is read; a failure names the source and the file. */
async function fetchAndCheck(def: SourceDefinition, plan: InputPlan, progress: Progress, projectRoot: string, headers?: Record<string, string>) {
  let fetched: Awaited<ReturnType<typeof sourceFiles>>;
  try {
    fetched = await sourceFiles(def, plan, progress, headers);
  } catch (error) {
    throw error instanceof FetchError ? new SourceError(def.id, error.url, error.problem) : error;
  }
  for (const [i, shown] of toProvenance(fetched.files, projectRoot).files.entries()) await checkInputFile(def.id, fetched.files[i].path, shown.url ?? shown.path);
  return fetched;
}

/** One step of a run: the referential, or one source. It writes under its load id and says what it found. */
interface Step {
  id: string;
  execute(load: { loadId: number; files: string[]; scope: ScopeKind; report: StatsReport }): Promise<{ millesime?: string; fields?: FieldSchema[]; metadata?: Record<string, unknown>; coverage?: Provenance['couverture'] }>;
}

/** One ingestion at a time per store (see Store.lockIngestion); what a dead one left is reclaimed first. */
export async function ingest(options: IngestOptions): Promise<IngestResult> {
  const lock = await options.store.lockIngestion();
  try {
    const reclaimed = await reclaimDeadLoads(options.store);
    if (reclaimed.length) options.logger.warn({ loads: reclaimed }, 'chargements laissés par une ingestion interrompue : marqués en échec, lignes supprimées');
    return { ...(await ingestLocked(options)), reclaimed };
  } finally {
    await lock.release();
  }
}

async function ingestLocked(options: IngestOptions): Promise<Omit<IngestResult, 'reclaimed'>> {
  const { store, registry, logger } = options;
  const byId = new Map(registry.map((s) => [s.id, s]));
  const asked = options.sources.length
    ? options.sources
    : registry.filter((s) => !(options.sample && s.echantillonIllustratif)).map((s) => s.id);
  const illustrative = registry.filter((s) => !asked.includes(s.id) && s.echantillonIllustratif).map((s) => s.id);
  if (options.sample && illustrative.length) logger.warn({ sources: illustrative }, 'échantillons illustratifs (valeurs non réelles) non publiés');
  for (const id of asked) if (!byId.has(id)) throw new Error(`source inconnue « ${id} » (sources: ${[...byId.keys()].join(', ')})`);
  for (const id of options.inputs?.keys() ?? []) if (!asked.includes(id)) throw new Error(`--input ${id}=… donné pour une source qui n'est pas ingérée`);

  const current = await currentReleaseId(store);
  const release = current ? await readRelease(store, current) : undefined;
  const publishedCog = release?.loads[REFERENTIAL_SOURCE];
  const sourceIds = asked.filter((id) => id !== REFERENTIAL_SOURCE);
  const pipelines = new Map<string, SourcePipeline>();
  for (const id of sourceIds) pipelines.set(id, await loadPipeline(byId.get(id)!, options.pipelines));
  const order = orderSources(sourceIds, new Map([...pipelines].map(([id, p]) => [id, p.dependsOn ?? []])));

  const departements = options.departements ?? [];
  let referential: Referential | undefined = publishedCog
    ? await referentialOfLoad(store, publishedCog, (await readLoads(store, [publishedCog])).get(publishedCog)!.millesime)
    : undefined;
  // The départements are checked against the COG before any source is fetched.
  let scope = referential ? DepartementScope.validated(departements, referential) : undefined;
  let cogLoadId = publishedCog;

  const progress = options.progress ?? createProgress(logger);
  const duck = await openDuckDb(options.duckdbPath ?? ':memory:');
  const workRoot = mkdtempSync(join(resolve(options.cacheDir, '..'), 'work-'));
  const done: SourceSummary[] = [];
  const skipped: SkippedSource[] = [];
  const replaced = new Map<string, number>();
  const fresh = new Map<string, CommuneRecord[]>();
  const plan: InputPlan = {
    inputs: options.inputs,
    sample: options.sample,
    departements,
    projectRoot: options.projectRoot,
    fetch: { cacheDir: options.cacheDir, allowedHosts: allowedHosts(registry, options.inputs), maxBytes: 20 * 1024 ** 3, ...options.fetch },
    allDepartements: () => [...referential!.departements.keys()],
    apiKeys: () => apiKeys(referential!, scope!),
  };

  const refuseFormerCodes = async (loads: Map<string, number>) => {
    const stale = await sourcesOnFormerCodes(store, loads, cogLoadId!);
    if (stale.length) throw new CogChangeError(referential!.millesime, stale);
  };
  const referentialStep: Step = {
    id: REFERENTIAL_SOURCE,
    async execute({ loadId, files, scope: kind, report }) {
      const built = await runReferentialStep({ def: byId.get(REFERENTIAL_SOURCE)!, files, duckdb: duck.connection, store, loadId, report, scope: kind });
      referential = built.referential;
      cogLoadId = loadId;
      scope = DepartementScope.validated(departements, referential);
      // Fails before any source is read: the sources this run does not re-ingest must already fit the new COG.
      await refuseFormerCodes(release ? new Map(Object.entries(release.loads).filter(([id]) => !order.includes(id))) : new Map());
      return { millesime: built.millesime };
    },
  };
  const sourceStep = (id: string): Step => ({
    id,
    async execute({ loadId, files, scope: kind, report }) {
      const def = byId.get(id)!;
      const workDir = mkdtempSync(join(workRoot, `${id}-`));
      const pipeline = pipelines.get(id)!;
      faultPoint('stage', id);
      const output = await pipeline.run({
        source: def,
        files,
        duckdb: duck.connection,
        referential: referential!,
        scope: scope!,
        report,
        progress: progress.forSource(id),
        workDir,
        bulk: {
          loadId,
          copy: async (table, columns, rows) => {
            const count = await store.copy(table, columns, rows);
            faultPoint('bulk', id);
            return count;
          },
          copyCsv: async (table, columns, chunks, csv) => {
            await store.copyCsv(table, columns, chunks, csv);
            faultPoint('bulk', id);
          },
        },
        dataset: async (other) => {
          if (fresh.has(other)) return fresh.get(other);
          const otherLoad = release?.loads[other];
          return otherLoad ? readCommuneRecords(store, otherLoad) : undefined;
        },
      });
      const keep = [...pipelines.values()].some((p) => p.dependsOn?.includes(id)) ? [] : undefined;
      const checkKey = communeKeyCheck(def, referential!);
      const reached = def.uneLigneParCommune ? new Set<string>() : undefined;
      let projected = 0;
      const written = await loadCommuneRecords(store, loadId, output.communes, (record) => {
        checkKey(record);
        reached?.add(record.code);
        if (++projected === 1) faultPoint('project', id);
      }, keep);
      if (output.territories) await loadTerritoryRecords(store, loadId, output.territories, referential!, report);
      faultPoint('load', id);
      if (keep) fresh.set(id, keep);
      checkNotEmpty(def, written, departements);
      const previous = release?.loads[id];
      let coverage: Provenance['couverture'];
      if (departements.length) {
        coverage = { departements: [...scope!.departements] };
        if (previous !== undefined) {
          const carried = await carryOverOtherDepartements(store, { from: previous, to: loadId, cogLoadId: cogLoadId!, departements: coverage.departements });
          Object.assign(coverage, { reprisDe: previous, communesReprises: carried.communes });
          const territories = await carryOverTerritories(store, { from: previous, to: loadId });
          if (territories) report.note('territoires repris de la release courante', territories);
          report.note('communes reprises de la release courante', carried.communes);
          for (const [table, rows] of Object.entries(carried.bulkRows)) if (rows) report.note(`lignes ${table} reprises`, rows);
          faultPoint('carry', id);
        }
      }
      faultPoint('check', id);
      checkAccounting(def, report.stats, kind);
      const rekeyed = reached && rekeyedResult(referential!, report.stats, reached);
      if (checkRowCount(def, report.stats, kind, rekeyed).recode) report.note('lignes réunies par le recodage (fichier d\'un COG antérieur)', rekeyed!.folded);
      rmSync(workDir, { recursive: true, force: true });
      return { ...output, coverage };
    },
  });
  const steps = [...(asked.includes(REFERENTIAL_SOURCE) || !publishedCog ? [referentialStep] : []), ...order.map(sourceStep)];

  let failed: SourceSummary | undefined;
  try {
    for (const step of steps) {
      const def = byId.get(step.id)!;
      const started = Date.now();
      const credential = credentialFor(def, fetchesFromProducer(def, plan));
      if ('skip' in credential) {
        logger.warn({ source: step.id }, credential.skip);
        skipped.push({ source: step.id, motif: credential.skip });
        continue;
      }
      const report = new StatsReport();
      faultPoint('fetch', step.id);
      const { files, scope: kind } = await fetchAndCheck(def, plan, progress.forSource(step.id), options.projectRoot, credential.headers);
      const millesime = (options.sample && def.millesimeEchantillon) || def.millesime;
      const loadId = await createLoad(store, step.id, millesime);
      faultPoint('created', step.id);
      const summary: SourceSummary = { source: step.id, loadId, millesime, stats: report.stats, files: toProvenance(files, options.projectRoot).files };
      failed = summary;
      logger.info({ source: step.id, files: summary.files.map((f) => f.url ?? f.path) }, 'ingestion');
      try {
        const found = await step.execute({ loadId, files: files.map((f) => f.path), scope: kind, report })
          .catch((error: unknown) => { throw error instanceof ArchiveError ? new SourceError(step.id, error.file, error.problem) : error; });
        summary.millesime = found.millesime ?? millesime;
        summary.coverage = found.coverage;
        report.stats.durationMs = Date.now() - started;
        await completeLoad(store, loadId, {
          millesime: summary.millesime, provenance: { files: summary.files, couverture: found.coverage }, stats: report.stats, fields: found.fields, metadata: found.metadata,
        });
        faultPoint('complete', step.id);
      } catch (error) {
        report.stats.durationMs = Date.now() - started;
        await discardLoad(store, loadId);
        throw error;
      }
      report.stats.durationMs = Date.now() - started;
      replaced.set(step.id, loadId);
      done.push(summary);
      failed = undefined;
    }
    if (release && cogLoadId !== publishedCog) {
      // Skipped sources and the départements a partial run carried over still hold rows keyed on the former COG.
      const served = new Map(Object.entries(release.loads));
      for (const d of done) {
        if (d.coverage?.departements.length) served.set(d.source, d.loadId);
        else served.delete(d.source);
      }
      await refuseFormerCodes(served);
    }
    const releaseId = await publishRelease(store, replaced, {
      sources: done.map((d) => ({ source: d.source, loadId: d.loadId, millesime: d.millesime, stats: d.stats, couverture: d.coverage })),
      sample: Boolean(options.sample),
      departements,
    });
    return { releaseId, sources: done, skipped };
  } catch (error) {
    for (const loadId of replaced.values()) await discardLoad(store, loadId);
    throw new IngestError((error as Error).message, failed ? [...done, failed] : done, { cause: error });
  } finally {
    progress.stop();
    duck.close();
    rmSync(workRoot, { recursive: true, force: true });
  }
}
