/**
 * Child process of the HTTP benchmarks, on PORT: the real app on the current
 * release (`app`), a bare Hono JSON route (`bare`, the baseline), or a bare
 * `node:http` server sending, for each `/commune/{code}`, the very bytes the
 * app sends (`node-http`: the floor of what Node can serve).
 */
import { createServer } from 'node:http';
import { join } from 'node:path';
import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import { createApp, listenerOf } from '../src/app.js';
import { dotationPreloader } from '../src/routes/dotation/preload.js';
import { loadConfig } from '../src/config.js';
import { openStore } from '../src/db/client.js';
import { loadRegistry } from '../src/contract/registry.js';
import { Referential } from '../src/domain/referential.js';
import { loadDecoupage } from '../pipelines/framework/referential/decoupage.js';
import { responseCache } from '../src/http/response-cache.js';
import { cacheFigures, logMemory } from './memory-log.js';
import { nodeListener } from '../src/http/node-listener.js';

const mode = process.argv[2];
// A clean exit on SIGTERM, so that `NODE_OPTIONS=--cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
const port = Number(process.env.PORT);
if (mode === 'bare') {
  const bare = new Hono();
  const body = { code: '35238', nom: 'Rennes', codesPostaux: ['35000', '35200', '35700'], population: 230890 };
  bare.get('/commune/:code', (c) => c.json({ ...body, code: c.req.param('code') }));
  // Same-size baseline for /commune/{code}/dotation: the registry's metadata, as the dotation lists it (~18 kB).
  const datasets = loadRegistry(join(loadConfig().projectRoot, 'data-sources.yaml')).map((s) => ({
    id: s.id, titre: s.titre, description: s.description, producteur: s.producteur, licence: s.licence, finalite: s.finalite,
    millesime: s.millesime, statut: 'available', provenance: { pageProducteur: s.pageProducteur, urls: s.urls, fichiers: s.echantillon.map((path) => ({ path, bytes: 1, sha256: '0'.repeat(64), retrievedAt: '2026-01-01T00:00:00.000Z' })) },
  }));
  // Rendered once, like a cached dotation: the baseline is Hono and the socket, nothing else.
  const sized = JSON.stringify({ commune: body, datasets });
  bare.get('/commune/:code/dotation', (c) => c.body(sized, 200, { 'Content-Type': 'application/json' }));
  serve({ fetch: bare.fetch, port }, () => process.stdout.write('ready\n'));
} else if (mode === 'node-http') {
  // The app's own bodies, rendered in-process once: the same bytes, without the app on the way.
  const config = loadConfig();
  const store = await openStore(config);
  const app = createApp({ store, registry: loadRegistry(join(config.projectRoot, 'data-sources.yaml')), releaseCheckMs: 60_000 });
  const bodies = new Map<string, Buffer>();
  for (const { code } of new Referential(loadDecoupage()).communes()) {
    const res = await app.request(`/commune/${code}`, { headers: { 'accept-encoding': 'identity' } });
    bodies.set(`/commune/${code}`, Buffer.from(await res.arrayBuffer()));
  }
  await store.close();
  createServer((req, res) => {
    const body = bodies.get(req.url!);
    if (!body) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body);
  }).listen(port, () => process.stdout.write('ready\n'));
} else {
  const config = loadConfig();
  const store = await openStore(config);
  await store.migrate();
  // BENCH_MEMORY_LOG=<file>: the distinct SQL texts (postgres.js prepares one statement per text and connection).
  const sqlTexts = new Set<string>();
  if (process.env.BENCH_MEMORY_LOG) {
    const query = store.query.bind(store);
    store.query = (text, params) => (sqlTexts.add(text), query(text, params));
  }
  const deps = {
    store, registry: loadRegistry(join(config.projectRoot, 'data-sources.yaml')), releaseCheckMs: config.releaseCheckMs,
    cacheSize: config.cacheSize, cacheBytes: config.cacheBytes, preloadDotations: config.preloadDotations,
  };
  const app = createApp(deps);
  // Warm the per-release referential, and wait for the dotations' preload (DOTATION_PRELOAD), before measuring.
  await app.request('/commune/35238');
  const preload = await dotationPreloader(deps).settled();
  if (preload) process.stdout.write(`préchargement : ${JSON.stringify({ ...preload, rss: process.memoryUsage().rss })}\n`);
  if (process.env.BENCH_MEMORY_LOG) logMemory(process.env.BENCH_MEMORY_LOG, () => ({ ...cacheFigures(responseCache(deps)), sqlTexts: sqlTexts.size }));
  // BENCH_HONO_ONLY=1: without the hot paths (every request through Hono), to measure what they save.
  const listener = process.env.BENCH_HONO_ONLY ? nodeListener(app.fetch) : listenerOf(app);
  createServer(listener).listen(port, () => process.stdout.write('ready\n'));
}
