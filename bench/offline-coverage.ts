/**
 * `npm run couverture-hors-ligne`: builds the bundled sample release in a
 * throwaway PGlite (offline, as `npm start` does on a fresh machine), then
 * writes which communes show which datasets to samples/offline-coverage.json
 * (read by the start-up banner) and to the README, between its markers.
 * Rerun it whenever a source's sample changes; tests/sample-release.test.ts
 * fails while the committed files disagree with the sample release.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { PROJECT_ROOT } from '../src/config.js';
import { openStore } from '../src/db/client.js';
import { loadRegistry } from '../src/contract/registry.js';
import { ReleaseTracker } from '../src/releases/serving-release.js';
import { coverageMarkdown, releaseCoverage } from '../src/catalog/coverage.js';
import { ingest } from '../pipelines/framework/run.js';

export const COVERAGE_FILE = join(PROJECT_ROOT, 'samples/offline-coverage.json');
export const README_MARKERS = ['<!-- couverture-hors-ligne:debut (npm run couverture-hors-ligne) -->', '<!-- couverture-hors-ligne:fin -->'] as const;

/** The README with its generated section replaced. */
export function withCoverageSection(readme: string, markdown: string): string {
  const [start, end] = README_MARKERS;
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from < 0 || to < from) throw new Error(`README.md : marqueurs ${start} … ${end} introuvables`);
  return `${readme.slice(0, from + start.length)}\n${markdown}\n${readme.slice(to)}`;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'dotation-couverture-'));
  const started = Date.now();
  const store = await openStore({ dataDir: join(dir, 'db') });
  try {
    await store.migrate();
    const registry = loadRegistry(join(PROJECT_ROOT, 'data-sources.yaml'));
    await ingest({
      store, registry, logger: pino({ level: 'warn' }), sources: [], sample: true, projectRoot: PROJECT_ROOT,
      cacheDir: join(dir, 'cache'), duckdbPath: join(dir, 'ingest.duckdb'),
    });
    const release = (await new ReleaseTracker(store, 0).current())!;
    const coverage = await releaseCoverage(store, registry, release);
    writeFileSync(COVERAGE_FILE, `${JSON.stringify(coverage, null, 2)}\n`);
    const readme = join(PROJECT_ROOT, 'README.md');
    writeFileSync(readme, withCoverageSection(readFileSync(readme, 'utf8'), coverageMarkdown(coverage)));
    process.stdout.write(`${coverageMarkdown(coverage)}\n\nÉcrit : samples/offline-coverage.json, README.md (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) await main();
