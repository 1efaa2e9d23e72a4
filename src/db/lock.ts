/**
 * PGlite keeps its database in one process: a second process opening the same
 * directory would corrupt it. A lock file names the holder so that the second
 * one stops with a clear message instead.
 */
import { openSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

export interface DataDirLock { release(): void }

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, 'pglite.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, JSON.stringify({ pid: process.pid, command: process.argv.slice(2).join(' '), since: new Date().toISOString() }));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let holder: { pid?: number; command?: string } = {};
      try { holder = JSON.parse(readFileSync(path, 'utf8')); } catch { /* half-written: treat as stale */ }
      if (holder.pid && holder.pid !== process.pid && alive(holder.pid)) {
        throw new Error(
          `La base PGlite de ${dataDir} est ouverte par le processus ${holder.pid} (« ${holder.command ?? '?'} »). ` +
          'PGlite ne se partage pas entre processus : arrêtez-le, ou servez et ingérez sur un PostgreSQL commun (DATABASE_URL).',
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`verrou ${path} impossible à prendre`);
}
