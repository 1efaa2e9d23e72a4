/**
 * Memory figures of a benchmark's server child, one JSON line every 5 s to a
 * file: `process.memoryUsage()` (rss, heapTotal, heapUsed, external,
 * arrayBuffers), anonymous and file-backed RSS from /proc, and whatever the
 * caller adds (cache sizes). On SIGUSR2 (`node --heapsnapshot-signal=SIGUSR2`)
 * Node writes a heap snapshot, so a bench can take one at minute 2 and at the end.
 */
import { appendFileSync, readFileSync } from 'node:fs';

export interface MemorySample { t: number; rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number; [extra: string]: number }

export function logMemory(file: string, extra: () => Record<string, number>, everyMs = 5000): void {
  const started = Date.now();
  const mb = (n: number) => Math.round(n / 1024 / 1024 * 10) / 10;
  setInterval(() => {
    const m = process.memoryUsage();
    const sample = {
      t: (Date.now() - started) / 1000, rss: mb(m.rss), heapTotal: mb(m.heapTotal), heapUsed: mb(m.heapUsed), external: mb(m.external), arrayBuffers: mb(m.arrayBuffers),
      ...statusFigures(), ...extra(),
    };
    appendFileSync(file, `${JSON.stringify(sample)}\n`);
  }, everyMs).unref();
}

/** Anonymous (heap, malloc) and file-backed (code, mapped files) resident memory, from /proc (Linux). */
function statusFigures(): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const line of readFileSync('/proc/self/status', 'utf8').split('\n')) {
      const m = /^(RssAnon|RssFile):\s+(\d+) kB/.exec(line);
      if (m) out[m[1] === 'RssAnon' ? 'rssAnon' : 'rssFile'] = Math.round(Number(m[2]) / 1024 * 10) / 10;
    }
  } catch { /* not Linux */ }
  return out;
}

/** Entries of the rendered-body cache and their weight (bodies, compressed copies, per-entry overhead). */
export function cacheFigures(cache: { size: number; bytes: number }): Record<string, number> {
  return { cacheEntries: cache.size, cacheMb: Math.round(cache.bytes / 1024 / 1024 * 10) / 10 };
}
