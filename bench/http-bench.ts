/** Shared driver of the HTTP benchmarks: start a server child, hammer it with autocannon, stop it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import autocannon from 'autocannon';

export interface Figures { requests: number; rps: number; p50: number; p99: number; errors: number; non2xx: number }

export async function startServer(mode: 'app' | 'bare' | 'node-http', port: number, env: NodeJS.ProcessEnv = {}): Promise<ChildProcess> {
  // BENCH_CPU_PROF=<dir>: the app's child writes a CPU profile there (node --cpu-prof) when stopped.
  const profile = mode === 'app' && process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/serve-for-bench.ts', mode], {
    env: { ...process.env, ...env, PORT: String(port), LOG_LEVEL: 'silent' }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  while (!out.includes('ready')) {
    if (child.exitCode !== null) throw new Error(`le serveur ${mode} s'est arrêté (${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const line of out.split('\n')) if (line && line !== 'ready') console.log(`  ${mode} : ${line}`);
  return child;
}

export async function stopServer(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  if (child.exitCode === null) await once(child, 'exit');
}

export async function hammer(port: number, paths: string[], seconds: number, connections = 50, headers: Record<string, string> = {}): Promise<Figures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections,
    headers,
    duration: seconds,
    requests: [{ setupRequest: (req) => ({ ...req, path: paths[Math.floor(Math.random() * paths.length)] }) }],
  });
  return {
    requests: result.requests.total, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
    errors: result.errors + result.timeouts, non2xx: result.non2xx,
  };
}

export function printTable(rows: [string, Figures][]): void {
  console.log('route'.padEnd(34), 'req/s'.padStart(9), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'erreurs'.padStart(8), 'non-2xx'.padStart(8));
  for (const [name, f] of rows) {
    console.log(name.padEnd(34), f.rps.toFixed(0).padStart(9), String(f.p50).padStart(8), String(f.p99).padStart(8), String(f.errors).padStart(8), String(f.non2xx).padStart(8));
  }
}
