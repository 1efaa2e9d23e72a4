/**
 * What the national benchmarks of a file source share: a weighted pick of the
 * real communes (by population), the floor (DuckDB's bare count(*) over the
 * same file, same reader options), and one run of the pipeline as the framework
 * runs it, each record serialised the way `load` does before its COPY (the
 * database's own time is not the projection's). Prints time, peak RSS, ratio.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { CommuneEntry } from '../src/domain/referential.js';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { DepartementScope } from '../pipelines/framework/scope.js';
import { loadRegistry } from '../src/contract/registry.js';
import type { SourcePipeline } from '../pipelines/framework/types.js';
import { serializeRecord } from '../pipelines/framework/load.js';

export const root = join(import.meta.dirname, '..');
export const referential = (): Referential => new Referential(loadDecoupage());

/** Current communes (arrondissements rather than Paris, Lyon, Marseille) and a population-weighted picker over them. */
export function weightedCommunes(ref: Referential, random: () => number): { units: CommuneEntry[]; pick: () => CommuneEntry } {
  const units = [...ref.communesAndArrondissements()].filter((c) => !(c.type === 'commune-actuelle' && ref.arrondissementsOf(c.code).length));
  const cumulative: number[] = [];
  let total = 0;
  for (const u of units) cumulative.push((total += Math.max(1, u.population ?? 0)));
  return {
    units,
    pick() {
      const r = random() * total;
      let lo = 0;
      let hi = cumulative.length - 1;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (cumulative[mid] > r) hi = mid; else lo = mid + 1; }
      return units[lo];
    },
  };
}

export async function benchPipeline(options: { sourceId: string; pipeline: SourcePipeline; files: string[]; floorSql: string; memoryLimit: string }): Promise<void> {
  const tempDirectory = join(root, 'bench/out', `duckdb-tmp-${options.sourceId}`);
  mkdirSync(tempDirectory, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', {
    memory_limit: options.memoryLimit, threads: '2', preserve_insertion_order: 'false', temp_directory: tempDirectory,
  });
  const duckdb = await instance.connect();
  // CPU time of the whole process (DuckDB's threads included): on a shared machine it compares the work when wall times stretch.
  const cpuSeconds = (since: NodeJS.CpuUsage) => { const u = process.cpuUsage(since); return (u.user + u.system) / 1e6; };
  let t = performance.now();
  let cpu = process.cpuUsage();
  const count = Number((await duckdb.runAndReadAll(options.floorSql)).getRowsJS()[0][0]);
  const floor = (performance.now() - t) / 1000;
  const floorCpu = cpuSeconds(cpu);
  console.log(`plancher count(*) DuckDB : ${count} lignes, ${floor.toFixed(1)} s (CPU ${floorCpu.toFixed(1)} s)`);

  const ref = referential();
  const source = loadRegistry(join(root, 'data-sources.yaml')).find((s) => s.id === options.sourceId)!;
  const stats = { read: 0, projected: 0, rejected: 0, communes: 0, bytes: 0 };
  const notes = new Map<string, unknown>();
  t = performance.now();
  cpu = process.cpuUsage();
  const output = await options.pipeline.run({
    source, files: options.files, duckdb, referential: ref, scope: new DepartementScope([], ref), workDir: tempDirectory,
    dataset: async () => undefined, progress: { update() {} },
    report: {
      read: (n = 1) => { stats.read += n; }, projected: (n = 1) => { stats.projected += n; },
      rejected: (_reason, n = 1) => { stats.rejected += n; }, note: (k, v) => { notes.set(k, v); },
    },
    bulk: { loadId: 1, copy: async () => 0, copyCsv: async () => undefined },
  });
  for await (const record of output.communes) {
    stats.communes++;
    const json = serializeRecord(record);
    stats.bytes += json.data.length + (json.rows?.length ?? 0);
  }
  const seconds = (performance.now() - t) / 1000;
  const pipelineCpu = cpuSeconds(cpu);
  duckdb.closeSync();
  rmSync(tempDirectory, { recursive: true, force: true });
  const rss = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`${options.sourceId} : ${stats.read} lignes lues, ${stats.projected} projetées, ${stats.rejected} rejetées, ${stats.communes} communes, `
    + `${(stats.bytes / 1e6).toFixed(0)} Mo de JSON, ${seconds.toFixed(1)} s, CPU ${pipelineCpu.toFixed(1)} s (${Math.round(stats.read / seconds)} lignes/s)`);
  console.log(`notes : ${JSON.stringify(Object.fromEntries(notes))}`);
  console.log(`pic de mémoire (RSS) : ${rss} Mo ; rapport au plancher count(*) : ${(seconds / floor).toFixed(2)}× mural, ${(pipelineCpu / floorCpu).toFixed(2)}× CPU`);
}
