/**
 * The Hono application: shared middleware (request id, current release, ETag,
 * problem+json errors) and the resource routers. No state of its own beyond
 * per-release caches, so replicas behind a load balancer agree.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { compress } from 'hono/compress';
import type { Logger } from 'pino';
import type { Store } from './db/client.js';
import type { SourceDefinition } from '../pipelines/framework/registry.js';
import { etagFor, matchesIfNoneMatch } from './http/etag.js';
import { ApiError, problemBody, problemResponse } from './http/problem.js';
import { ReleaseTracker, type ServingRelease } from './http/serving-release.js';
import { registerCommuneRoutes } from './routes/communes/index.js';
import { registerTerritoireRoutes } from './routes/territoires/index.js';
import { registerDotationRoutes } from './routes/dotation/index.js';
import { registerMetaRoutes } from './routes/meta/index.js';
import { registerDocs } from './routes/docs.js';

export interface AppDeps {
  store: Store;
  registry: SourceDefinition[];
  releaseCheckMs?: number;
  logger?: Logger;
}

export type AppEnv = {
  Variables: { requestId: string; release: ServingRelease | undefined };
};
export type App = OpenAPIHono<AppEnv>;

/** Paths answered without a release (the service must say it is up before the first ingestion ends). */
const WITHOUT_RELEASE = new Set(['/health', '/openapi.json', '/sources']);

export function createApp(deps: AppDeps): App {
  const tracker = new ReleaseTracker(deps.store, deps.releaseCheckMs ?? 1000);
  const app: App = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const detail = `${issue.path.join('.') || 'paramètre'} : ${issue.message}`;
      return problemResponse(problemBody('requete-invalide', detail, new URL(c.req.url).pathname, c.get('requestId')));
    },
  });

  app.use('*', async (c, next) => {
    c.set('requestId', c.req.header('x-request-id') ?? randomUUID());
    c.header('x-request-id', c.get('requestId'));
    await next();
  });
  app.use('*', compress());
  app.use('*', async (c, next) => {
    const url = new URL(c.req.url);
    const release = await tracker.current();
    c.set('release', release);
    if (!release && !WITHOUT_RELEASE.has(url.pathname) && !url.pathname.startsWith('/docs')) {
      throw new ApiError('aucune-release', "Aucune release n'est encore publiée : lancez `npx dotation ingest --sample` ou attendez la fin de l'ingestion initiale.");
    }
    if (!release || c.req.method !== 'GET') return next();
    c.header('Dotation-Release', release.id);
    const etag = etagFor(release.id, url);
    if (matchesIfNoneMatch(c.req.header('if-none-match'), etag)) {
      return c.body(null, 304, { ETag: etag, 'Dotation-Release': release.id });
    }
    await next();
    if (c.res.status === 200) c.res.headers.set('ETag', etag);
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

  registerCommuneRoutes(app);
  registerTerritoireRoutes(app);
  registerDotationRoutes(app, deps);
  registerMetaRoutes(app, deps);
  registerDocs(app);
  return app;
}
