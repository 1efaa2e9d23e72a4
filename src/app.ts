/**
 * The Hono application: shared middleware (request id, current release, ETag,
 * problem+json errors) and the resource routers. No state of its own beyond
 * per-release caches, so replicas behind a load balancer agree.
 */
import type { IncomingMessage, RequestListener } from 'node:http';
import './http/zod-fr.js';
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { etagFor, matchesIfNoneMatch, withEncoding } from './http/etag.js';
import { compressStream, isCompressible, negotiateEncoding } from './http/compression.js';
import { problemBody, problemResponse } from './http/problem.js';
import { ALLOW, COMMON_HEADERS, finishHeaders, PREFLIGHT_HEADERS, ReadablePaths, requestIdOf } from './http/surface.js';
import { DEFAULT_PUBLIC_URL } from './http/origin.js';
import { ApiError } from './errors.js';
import type { App, AppDeps, AppEnv } from './http/context.js';
import { ReleaseTracker } from './releases/serving-release.js';
import { registerCommuneRoutes } from './routes/communes/index.js';
import { registerTerritoireRoutes } from './routes/territoires/index.js';
import { registerDotationRoutes } from './routes/dotation/index.js';
import { dotationPreloader } from './routes/dotation/preload.js';
import { registerMetaRoutes } from './routes/meta/index.js';
import { registerSourceRoutes } from './routes/sources/index.js';
import { registerDocs } from './routes/docs.js';
import { registerPackRoutes } from './routes/pack/index.js';
import { registerCatalogRoutes } from './routes/catalog/index.js';
import { registerChangesRoutes } from './routes/changes/index.js';
import { registerDemoRoutes } from './routes/demo/index.js';
import { hotPaths } from './routes/hot-paths.js';
import { nodeListener, type NodeShortcut } from './http/node-listener.js';

/** Kept for callers that took the types from here; they are declared in http/context.ts. */
export type { App } from './http/context.js';

/** Each app's hot paths (answered before Hono when it is served by `listenerOf`). */
const shortcuts = new WeakMap<App, NodeShortcut>();

/** The node:http listener serving `app`: its hot paths from ready bytes, everything else through Hono. */
export function listenerOf(app: App, hostname?: string): RequestListener {
  return nodeListener(app.fetch, shortcuts.get(app), hostname);
}

/** The hot paths of `app` alone (the tests compare what they answer with the app's own responses). */
export function hotPathsOf(app: App): NodeShortcut | undefined {
  return shortcuts.get(app);
}

/** Paths answered without a release (the service must say it is up before the first ingestion ends). */
const WITHOUT_RELEASE = new Set(['/health', '/openapi.json', '/sources', '/']);

export function createApp(deps: AppDeps): App {
  const tracker = new ReleaseTracker(deps.store, deps.releaseCheckMs ?? 1000);
  // Links that leave a response are written from configuration only, never from the request's Host.
  const publicUrl = (deps.publicUrl ?? DEFAULT_PUBLIC_URL).replace(/\/$/, '');
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const parametre = issue.path.join('.') || 'paramètre';
      return problemResponse(problemBody('requete-invalide', `${parametre} : ${issue.message}`, c.req.path, c.get('requestId'), { parametre }));
    },
  });
  const readable = new ReadablePaths(() => app.routes);
  const preloader = deps.preloadDotations ? dotationPreloader(deps) : undefined;

  /** A response built outside the context (error, preflight) gets the headers every response carries. */
  const finished = (c: Context<AppEnv>, res: Response): Response => {
    finishHeaders(res.headers, c.get('release')?.id, c.get('requestId'));
    return res;
  };

  /** The API is read-only: OPTIONS is a CORS preflight, any other method a 405 on a path that exists. */
  const otherMethod = (c: Context<AppEnv>, method: string, path: string): Response => {
    const requestId = c.get('requestId');
    if (!readable.has(path)) return finished(c, problemResponse(problemBody('introuvable', `Aucune ressource à ${path}`, path, requestId)));
    if (method === 'OPTIONS') return finished(c, new Response(null, { status: 204, headers: PREFLIGHT_HEADERS }));
    const detail = `${method} n'est pas servi sur ${path} : l'API est en lecture seule (${ALLOW}).`;
    return finished(c, problemResponse(problemBody('methode-non-autorisee', detail, path, requestId), { Allow: ALLOW }));
  };

  // One middleware for what every request needs (request id, release, ETag,
  // content coding, CORS): headers are prepared before the handler runs and the
  // finished response is only touched when something must change, because
  // reading it back makes @hono/node-server trade its direct write of a string
  // body for a web stream (that, through hono/compress, cost 70 % of throughput).
  app.use('*', async (c, next) => {
    // Under @hono/node-server, read Node's parsed headers: c.req.header() would build a web Headers per request.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.headers;
    const header = (name: string) => (incoming ? (incoming[name] as string | undefined) : c.req.header(name));
    const requestId = requestIdOf(header('x-request-id'));
    c.set('requestId', requestId);
    c.set('publicUrl', publicUrl);
    const path = c.req.path;
    const release = await tracker.current();
    c.set('release', release);
    if (release) preloader?.follow(release);
    // HEAD runs the GET handler (Hono drops the body): it gets the same headers.
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD') return otherMethod(c, method, path);
    if (!release && !WITHOUT_RELEASE.has(path) && !path.startsWith('/sources/') && !path.startsWith('/docs') && !path.startsWith('/demo/assets/')) {
      const detail = "Aucune release n'est encore publiée : lancez `npx dotation ingest --sample` ou attendez la fin de l'ingestion initiale.";
      return finished(c, problemResponse(problemBody('aucune-release', detail, path, requestId)));
    }
    const encoding = negotiateEncoding(header('accept-encoding'));
    c.set('encoding', encoding);
    c.header('x-request-id', requestId);
    c.header('Vary', 'Accept-Encoding');
    for (const [name, value] of COMMON_HEADERS) c.header(name, value);
    let etag: string | undefined;
    let ifExists = false;
    if (release) {
      c.header('Dotation-Release', release.id);
      const url = c.req.url;
      const q = url.indexOf('?');
      etag = etagFor(release.id, path, q < 0 ? '' : url.slice(q + 1));
      const match = matchesIfNoneMatch(header('if-none-match'), etag);
      if (match === 'tag') return c.body(null, 304, { ETag: etag });
      ifExists = match === 'any';
      c.header('ETag', etag);
    }
    await next();
    const res = c.res;
    if (res.status !== 200) {
      if (etag) res.headers.delete('ETag');
      finishHeaders(res.headers, release?.id, requestId);
      return;
    }
    if (ifExists) {
      // `If-None-Match: *` holds only now that the resource is known to exist.
      await res.body?.cancel();
      c.res = new Response(null, { status: 304 });
      for (const name of ['Content-Encoding', 'Content-Length', 'Content-Disposition']) c.res.headers.delete(name);
      return;
    }
    if (!encoding) return;
    const coded = res.headers.get('Content-Encoding');
    if (!coded && res.body && isCompressible(res.headers.get('Content-Type')) && !/no-transform/i.test(res.headers.get('Cache-Control') ?? '')) {
      c.res = new Response(compressStream(res.body, encoding), res);
      c.res.headers.delete('Content-Length');
      c.res.headers.set('Content-Encoding', encoding);
      if (etag) c.res.headers.set('ETag', withEncoding(etag, encoding));
    } else if (coded && etag) {
      res.headers.set('ETag', withEncoding(etag, coded));
    }
  });

  app.onError((error, c) => {
    const instance = c.req.path;
    if (error instanceof HTTPException) {
      const res = error.getResponse();
      if (c.get('release')) res.headers.set('Dotation-Release', c.get('release')!.id);
      return res;
    }
    if (error instanceof ApiError) {
      return problemResponse(problemBody(error.type, error.detail, instance, c.get('requestId'), error.extra));
    }
    deps.logger?.error({ err: error, requestId: c.get('requestId'), path: instance }, 'erreur non gérée');
    // Never echo internals: the request id lets an operator find the log line.
    return problemResponse(problemBody('erreur-interne', 'Une erreur inattendue est survenue.', instance, c.get('requestId')));
  });
  app.notFound((c) => problemResponse(problemBody('introuvable', `Aucune ressource à ${c.req.path}`, c.req.path, c.get('requestId'))));

  registerCommuneRoutes(app, deps);
  registerTerritoireRoutes(app);
  registerPackRoutes(app, deps);
  registerCatalogRoutes(app, deps);
  registerChangesRoutes(app, deps);
  registerDotationRoutes(app, deps);
  registerMetaRoutes(app, deps);
  registerSourceRoutes(app, deps);
  registerDocs(app);
  registerDemoRoutes(app);
  shortcuts.set(app, hotPaths(deps, tracker, preloader));
  return app;
}
