/**
 * The Hono application: shared middleware (request id, current release, ETag,
 * problem+json errors) and the resource routers. No state of its own beyond
 * per-release caches, so replicas behind a load balancer agree.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { etagFor, matchesIfNoneMatch, withEncoding } from './http/etag.js';
import { compressStream, isCompressible, negotiateEncoding } from './http/compression.js';
import { problemBody, problemResponse } from './http/problem.js';
import { ApiError } from './errors.js';
import type { App, AppDeps, AppEnv } from './http/context.js';
import { ReleaseTracker } from './releases/serving-release.js';
import { registerCommuneRoutes } from './routes/communes/index.js';
import { registerTerritoireRoutes } from './routes/territoires/index.js';
import { registerDotationRoutes } from './routes/dotation/index.js';
import { registerMetaRoutes } from './routes/meta/index.js';
import { registerSourceRoutes } from './routes/sources/index.js';
import { registerDocs } from './routes/docs.js';
import { registerPackRoutes } from './routes/pack/index.js';
import { registerCatalogRoutes } from './routes/catalog/index.js';
import { registerChangesRoutes } from './routes/changes/index.js';
import { registerDemoRoutes } from './routes/demo/index.js';

/** Kept for callers that took the types from here; they are declared in http/context.ts. */
export type { App } from './http/context.js';

/** Paths answered without a release (the service must say it is up before the first ingestion ends). */
const WITHOUT_RELEASE = new Set(['/health', '/openapi.json', '/sources', '/']);

export function createApp(deps: AppDeps): App {
  const tracker = new ReleaseTracker(deps.store, deps.releaseCheckMs ?? 1000);
  const publicUrl = deps.publicUrl?.replace(/\/$/, '');
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const detail = `${issue.path.join('.') || 'paramètre'} : ${issue.message}`;
      return problemResponse(problemBody('requete-invalide', detail, new URL(c.req.url).pathname, c.get('requestId')));
    },
  });

  // One middleware for what every request needs (request id, release, ETag,
  // content coding): headers are prepared before the handler runs and the
  // finished response is only touched when something must change, because
  // reading it back makes @hono/node-server trade its direct write of a string
  // body for a web stream (that, through hono/compress, cost 70 % of throughput).
  app.use('*', async (c, next) => {
    // Under @hono/node-server, read Node's parsed headers: c.req.header() would build a web Headers per request.
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.headers;
    const header = (name: string) => (incoming ? (incoming[name] as string | undefined) : c.req.header(name));
    const requestId = header('x-request-id') ?? randomUUID();
    c.set('requestId', requestId);
    c.set('publicUrl', publicUrl);
    const path = c.req.path;
    const release = await tracker.current();
    c.set('release', release);
    if (!release && !WITHOUT_RELEASE.has(path) && !path.startsWith('/sources/') && !path.startsWith('/docs') && !path.startsWith('/demo/assets/')) {
      throw new ApiError('aucune-release', "Aucune release n'est encore publiée : lancez `npx dotation ingest --sample` ou attendez la fin de l'ingestion initiale.");
    }
    const encoding = negotiateEncoding(header('accept-encoding'));
    c.set('encoding', encoding);
    c.header('x-request-id', requestId);
    c.header('Vary', 'Accept-Encoding');
    let etag: string | undefined;
    if (release && c.req.method === 'GET') {
      const url = c.req.url;
      const q = url.indexOf('?');
      etag = etagFor(release.id, path, q < 0 ? '' : url.slice(q + 1));
      if (matchesIfNoneMatch(header('if-none-match'), etag)) {
        return c.body(null, 304, { ETag: etag, 'Dotation-Release': release.id });
      }
      c.header('Dotation-Release', release.id);
      c.header('ETag', etag);
    }
    await next();
    const res = c.res;
    if (res.status !== 200) {
      if (etag) res.headers.delete('ETag');
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
    const instance = new URL(c.req.url).pathname;
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
  app.notFound((c) => problemResponse(problemBody('introuvable', `Aucune ressource à ${new URL(c.req.url).pathname}`, new URL(c.req.url).pathname, c.get('requestId'))));

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
  return app;
}
