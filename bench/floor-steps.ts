/**
 * The least DuckDB work behind a source's output, step by step, against the floor of the targets (DuckDB's
 * bare count(*) over the same file, same reader options, timed twice: first and last step). Wall and CPU time of
 * the whole process (DuckDB's threads included) per step; the ratio of named groups of steps to the mean floor.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export interface Seconds { wall: number; cpu: number }

/** Runs `floor`, each step, then `floor` again, under the limits the framework opens DuckDB with; prints each step. */
export async function timeSteps(work: string, floor: string, steps: [string, string][]): Promise<{ floor: Seconds; steps: Map<string, Seconds> }> {
  mkdirSync(work, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '1GB', threads: '2', preserve_insertion_order: 'false', temp_directory: work });
  const duckdb = await instance.connect();
  const timed = new Map<string, Seconds>();
  const floors: Seconds[] = [];
  try {
    for (const [name, sql] of [['plancher count(*)', floor], ...steps, ['plancher count(*)', floor]]) {
      const started = performance.now();
      const cpu = process.cpuUsage();
      await duckdb.run(sql);
      const used = process.cpuUsage(cpu);
      const figure = { wall: (performance.now() - started) / 1000, cpu: (used.user + used.system) / 1e6 };
      if (sql === floor) floors.push(figure); else timed.set(name, figure);
      console.log(`${name.padEnd(48)} ${figure.wall.toFixed(1).padStart(6)} s  CPU ${figure.cpu.toFixed(1).padStart(6)} s`);
    }
  } finally {
    duckdb.closeSync();
    rmSync(work, { recursive: true, force: true });
  }
  return { floor: { wall: (floors[0].wall + floors[1].wall) / 2, cpu: (floors[0].cpu + floors[1].cpu) / 2 }, steps: timed };
}

/** One line per group: its steps' total against the mean floor, in CPU and wall time. */
export function printRatios({ floor, steps }: { floor: Seconds; steps: Map<string, Seconds> }, groups: Record<string, string[]>): void {
  console.log(`plancher moyen : ${floor.wall.toFixed(1)} s (CPU ${floor.cpu.toFixed(1)} s)`);
  for (const [label, names] of Object.entries(groups)) {
    const total = names.reduce((acc, n) => ({ wall: acc.wall + steps.get(n)!.wall, cpu: acc.cpu + steps.get(n)!.cpu }), { wall: 0, cpu: 0 });
    console.log(`${label} : ${total.cpu.toFixed(1)} s de CPU, ${(total.cpu / floor.cpu).toFixed(2)}× en CPU, ${(total.wall / floor.wall).toFixed(2)}× en temps mural`);
  }
}
