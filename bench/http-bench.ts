/** Shared driver of the HTTP benchmarks: start a server child, hammer it with autocannon, stop it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import autocannon from 'autocannon';

/** `cpuUsPerRequest`: the server process's CPU time (user + system) during the run per request served — robust to a loaded machine. */
export interface Figures { requests: number; rps: number; p50: number; p99: number; errors: number; non2xx: number; cpuUsPerRequest?: number }

/** Server children by port, so that a run can read its server's CPU time. */
const servers = new Map<number, ChildProcess>();
/** The PGlite copies of server children, removed when they stop. */
const copies = new Map<ChildProcess, string>();

/**
 * On PGlite (no DATABASE_URL in the child's environment) each server child
 * opens its own copy of DATA_DIR's database: a PGlite data directory is one
 * process's (it is locked), and the benches run servers side by side.
 */
function pgliteCopy(env: NodeJS.ProcessEnv): string | undefined {
  if (env.DATABASE_URL) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'dotation-bench-'));
  cpSync(join(resolve(env.DATA_DIR ?? './data'), 'pglite'), join(dir, 'pglite'), { recursive: true });
  return dir;
}

/** User + system CPU time of a process, in microseconds (Linux /proc; undefined elsewhere). */
function cpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    // After the command: state is field 3, utime 14 and stime 15 (1-based), in clock ticks (100 per second).
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

export async function startServer(mode: 'app' | 'bare' | 'node-http', port: number, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  // BENCH_CPU_PROF=<dir>: the app's child writes a CPU profile there (node --cpu-prof) when stopped.
  const profile = mode === 'app' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const childEnv = { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'silent' };
  const copy = mode === 'bare' ? undefined : pgliteCopy(childEnv);
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/serve-for-bench.ts', mode], {
    env: copy ? { ...childEnv, DATA_DIR: copy } : childEnv, stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (copy) copies.set(child, copy);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  while (!out.includes('ready')) {
    if (child.exitCode !== null) {
      if (copy) rmSync(copy, { recursive: true, force: true });
      throw new Error(`le serveur ${mode} s'est arrêté (${child.exitCode})`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const line of out.split('\n')) if (line && line !== 'ready') console.log(`  ${mode} : ${line}`);
  servers.set(port, child);
  return child;
}

export async function stopServer(child: ChildProcess): Promise<void> {
  for (const [port, c] of servers) if (c === child) servers.delete(port);
  child.kill('SIGTERM');
  if (child.exitCode === null) await once(child, 'exit');
  const copy = copies.get(child);
  if (copy) rmSync(copy, { recursive: true, force: true });
  copies.delete(child);
}

export async function hammer(port: number, paths: string[], seconds: number, connections = 50, headers: Record<string, string> = {}): Promise<Figures> {
  const pid = servers.get(port)?.pid;
  const cpuBefore = cpuMicros(pid);
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    headers,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) }],
  });
  const cpuAfter = cpuMicros(pid);
  const cpuUsPerRequest = cpuBefore !== undefined && cpuAfter !== undefined && result.requests.total ? (cpuAfter - cpuBefore) / result.requests.total : undefined;
  return {
    requests: result.requests.total, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
    errors: result.errors + result.timeouts, non2xx: result.non2xx, cpuUsPerRequest,
  };
}

export interface Contender { name: string; port: number; paths: string[]; headers?: Record<string, string>; connections?: number }

/**
 * The contenders hammered in turn, `rounds` times (A B C, A B C, …), so that a
 * burst of load from the rest of the machine falls on all of them alike; each
 * keeps its best round (highest req/s, with that round's latencies) and its
 * lowest CPU per request: on a shared machine the best of several short runs
 * is the least disturbed estimate of each.
 */
export async function alternate(contenders: Contender[], seconds: number, rounds = 3): Promise<Map<string, Figures>> {
  const runs = new Map<string, Figures[]>(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (const c of contenders) runs.get(c.name)!.push(await hammer(c.port, c.paths, seconds, c.connections ?? 50, c.headers));
  }
  const best = new Map<string, Figures>();
  for (const [name, figures] of runs) {
    const top = figures.reduce((a, b) => (b.rps > a.rps ? b : a));
    const cpus = figures.map((f) => f.cpuUsPerRequest).filter((c): c is number => c !== undefined);
    best.set(name, { ...top, cpuUsPerRequest: cpus.length ? Math.min(...cpus) : undefined });
  }
  return best;
}

/** Every path asked once (50 connections), in order: what a long-running server has already rendered is rendered. */
export async function visitAll(port: number, paths: string[]): Promise<void> {
  let next = 0;
  await autocannon({
    url: `http://127.0.0.1:${port}`, connections: 50, amount: paths.length,
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }) }],
  });
}

export function printTable(rows: [string, Figures][]): void {
  console.log(`charge moyenne (1, 5, 15 min) à la fin : ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  console.log('route'.padEnd(34), 'req/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'erreurs'.padStart(8), 'non-2xx'.padStart(8), 'CPU µs/req'.padStart(11));
  for (const [name, f] of rows) {
    const cpu = f.cpuUsPerRequest === undefined ? '—' : f.cpuUsPerRequest.toFixed(0);
    console.log(name.padEnd(34), f.rps.toFixed(0).padStart(9), String(f.p50).padStart(8), String(f.p99).padStart(8), String(f.errors).padStart(8), String(f.non2xx).padStart(8), cpu.padStart(11));
  }
}

/** `a` against `b` of the same run: throughput ratio, and CPU per request ratio (b's over a's: > 1 when a costs less). */
export function ratios(a: Figures, b: Figures): string {
  const cpu = a.cpuUsPerRequest && b.cpuUsPerRequest ? `, CPU par requête ${(a.cpuUsPerRequest / b.cpuUsPerRequest).toFixed(2)}× (${a.cpuUsPerRequest.toFixed(0)} / ${b.cpuUsPerRequest.toFixed(0)} µs)` : '';
  return `débit ${(a.rps / b.rps).toFixed(2)}×${cpu}`;
}
