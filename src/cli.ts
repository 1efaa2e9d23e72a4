/**
 * `dotation serve` and `dotation ingest`: the composition root. Configuration
 * is read here once and passed down.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from './config.js';
import { createLogger } from './logger.js';
import { openStore, type Store } from './db/client.js';
import { currentReleaseId, readRelease } from './releases/repository.js';
import { type Coverage, coverageBanner } from './catalog/coverage.js';
import { loadRegistry } from './contract/registry.js';
import { ingest, IngestError, type IngestResult } from '../pipelines/framework/run.js';
import { formatSummary } from '../pipelines/framework/report.js';
import { ScopeError } from '../pipelines/framework/scope.js';
import { prune } from '../pipelines/framework/lifecycle.js';

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseInputs(specs: string[]): Map<string, string[]> {
  const inputs = new Map<string, string[]>();
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at <= 0) throw new Error(`--input attend <source>=<chemin|url>, reçu « ${spec} »`);
    const id = spec.slice(0, at);
    inputs.set(id, [...(inputs.get(id) ?? []), spec.slice(at + 1)]);
  }
  return inputs;
}

async function withStore<T>(config: Config, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(config);
  try {
    await store.migrate();
    return await fn(store);
  } finally {
    await store.close();
  }
}

function printSummary(result: Pick<IngestResult, 'sources'>, status: (source: string) => string): void {
  process.stderr.write(`\n${formatSummary(result.sources.map((s) => ({ source: s.source, stats: s.stats, status: status(s.source) })))}\n`);
}

async function runIngest(store: Store, config: Config, options: { sources: string[]; sample?: boolean; input: string[]; departement: string[] }) {
  const logger = createLogger(config.logLevel);
  try {
    const result = await ingest({
      store, logger, registry: loadRegistry(join(config.projectRoot, 'data-sources.yaml')),
      sources: options.sources, sample: options.sample, inputs: parseInputs(options.input), departements: options.departement,
      projectRoot: config.projectRoot, cacheDir: config.cacheDir, duckdbPath: config.duckdbPath,
    });
    printSummary(result, () => 'publiée');
    for (const s of result.skipped) process.stderr.write(`${s.motif}.\n`);
    process.stderr.write(`Release ${result.releaseId} publiée.\n`);
    return result;
  } catch (error) {
    if (error instanceof IngestError) {
      printSummary(error, (s) => (s === error.sources.at(-1)?.source ? 'ÉCHEC' : 'annulée'));
      process.stderr.write(`\nÉchec de l'ingestion, aucune release publiée (la release courante reste servie) :\n  ${error.message}\n`);
    }
    throw error;
  }
}

/** For the bundled sample release: which commune to open for which datasets (samples/offline-coverage.json, generated). */
async function sampleCoverageLines(store: Store, config: Config, base: string): Promise<string[]> {
  const id = await currentReleaseId(store);
  const summary = id ? (await readRelease(store, id))?.summary as { sample?: boolean } | undefined : undefined;
  const file = join(config.projectRoot, 'samples/offline-coverage.json');
  if (!summary?.sample || !existsSync(file)) return [];
  return coverageBanner(JSON.parse(readFileSync(file, 'utf8')) as Coverage, base);
}

const program = new Command('dotation').description('La dotation de données nationales de chaque commune');

program.command('ingest')
  .description('Ingère des sources et publie une nouvelle release (les autres sources sont reprises de la release courante)')
  .argument('[sources...]', 'identifiants de data-sources.yaml (défaut : toutes)')
  .option('--sample', 'utilise les échantillons réels embarqués (hors ligne)')
  .addOption(new Option('--input <source=chemin|url>', 'lit une source depuis un fichier local ou un miroir (répétable)').default([]).argParser(collect))
  .addOption(new Option('--departement <code>', 'limite aux départements donnés (répétable)').default([]).argParser(collect))
  .action(async (sources: string[], options) => {
    const config = loadConfig();
    await withStore(config, (store) => runIngest(store, config, { sources, ...options }));
  });

program.command('prune')
  .description('Supprime les releases anciennes et les chargements qu\'aucune release gardée ne sert (et leurs lignes)')
  .addOption(new Option('--keep <n>', 'releases gardées, la courante comprise').default(2).argParser((v) => {
    if (!/^[1-9]\d*$/.test(v)) throw new InvalidArgumentError('entier ≥ 1 attendu');
    return Number(v);
  }))
  .option('--full', 'réécrit les tables pour rendre la place au disque (VACUUM FULL ; sur PostgreSQL, bloque les lectures le temps de la réécriture)')
  .action(async (options: { keep: number; full?: boolean }) => {
    const config = loadConfig();
    await withStore(config, async (store) => {
      const result = await prune(store, { keep: options.keep, full: options.full || undefined });
      process.stderr.write(`Releases gardées : ${result.kept.join(', ') || 'aucune'}\n` +
        `${result.releases.length} release(s) et ${result.loads.length} chargement(s) supprimés.\n`);
    });
  });

program.command('serve')
  .description('Sert l\'API ; ingère l\'échantillon embarqué si aucune release n\'existe encore')
  .action(async () => {
    const config = loadConfig();
    const logger = createLogger(config.logLevel);
    const store = await openStore(config);
    await store.migrate();
    if (!(await currentReleaseId(store))) {
      logger.info('aucune release : ingestion de l\'échantillon embarqué');
      await runIngest(store, config, { sources: [], sample: true, input: [], departement: [] });
    }
    const registry = loadRegistry(join(config.projectRoot, 'data-sources.yaml'));
    // Imported here: `ingest` and `prune` need none of the API (a faster start for cron jobs and the fault tests).
    const { createApp, listenerOf } = await import('./app.js');
    const app = createApp({
      store, registry, releaseCheckMs: config.releaseCheckMs, cacheSize: config.cacheSize, cacheBytes: config.cacheBytes,
      preloadDotations: config.preloadDotations, logger, publicUrl: config.publicUrl,
    });
    // The app's listener: its hot paths answered from ready bytes, everything else by Hono (as `serve` of @hono/node-server would).
    const server = createServer(listenerOf(app, config.host));
    server.listen(config.port, config.host, async () => {
      const info = server.address() as AddressInfo;
      const base = config.port === 0 ? `http://localhost:${info.port}` : config.publicUrl;
      // The first request sees the release and starts preloading the dotations (DOTATION_PRELOAD), without waiting for a client.
      void app.request('/health');
      const coverage = await sampleCoverageLines(store, config, base);
      process.stdout.write([
        `Dotation sert l'API sur ${base} (stockage : ${store.driver === 'pglite' ? `PGlite dans ${config.dataDir}` : 'PostgreSQL'})`,
        `  ${base}/commune/35238/dotation`,
        `  ${base}/communes?nom=saint-malo`,
        `  ${base}/commune/35112   (commune fusionnée : redirection vers 35062)`,
        `Documentation : ${base}/docs`,
        ...coverage,
        '',
      ].join('\n'));
    });
    const stop = async () => {
      server.close();
      await store.close();
      process.exit(0);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

program.parseAsync().catch((error: Error) => {
  if (!(error instanceof IngestError)) process.stderr.write(`${error.message}\n`);
  // A bad --departement is a usage error, like commander's own (exit 2), not a failed ingestion.
  process.exit(error instanceof ScopeError || error.cause instanceof ScopeError ? 2 : 1);
});
