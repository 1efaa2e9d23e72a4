/** Progress bars on a terminal, structured log lines otherwise (CI, pipes, containers). */
import cliProgress from 'cli-progress';
import type { Logger } from 'pino';
import type { Progress } from './types.js';

export interface ProgressFactory {
  forSource(sourceId: string): Progress;
  stop(): void;
}

export function createProgress(logger: Logger, interactive = Boolean(process.stderr.isTTY)): ProgressFactory {
  if (!interactive) {
    const last = new Map<string, number>();
    return {
      forSource: (sourceId) => ({
        update(phase, done, total) {
          const key = `${sourceId}:${phase}`;
          const now = Date.now();
          // One line every few seconds per phase is enough for a log; bars are for terminals.
          if (now - (last.get(key) ?? 0) < 5000 && done !== total) return;
          last.set(key, now);
          logger.info({ source: sourceId, phase, done, total }, 'progression');
        },
      }),
      stop() {},
    };
  }
  const multibar = new cliProgress.MultiBar(
    { format: '{source} {phase} [{bar}] {value}/{total}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    forSource: (sourceId) => ({
      update(phase, done, total) {
        const key = `${sourceId}:${phase}`;
        let bar = bars.get(key);
        if (!bar) bars.set(key, (bar = multibar.create(total ?? 0, 0, { source: sourceId.padEnd(20), phase })));
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { source: sourceId.padEnd(20), phase });
      },
    }),
    stop: () => multibar.stop(),
  };
}
