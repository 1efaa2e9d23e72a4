/**
 * Routes on the hot path (`/commune/{code}` and its dotation) are documented
 * from their full OpenAPI definition but served without the validators
 * @hono/zod-openapi attaches to every request (an async zod parse of the path
 * parameters and another of the query: ~8 % of a `/commune/{code}` request in
 * the CPU profile). The code is checked by resolveCommune anyway; the query is
 * parsed here with the same schema, only when there is one, and a failure gets
 * the problem the app's default hook gives.
 */
import type { RouteConfig } from '@hono/zod-openapi';
import type { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { ApiError } from '../errors.js';
import type { App, AppEnv } from './context.js';

/** Registers `route` in the OpenAPI document and returns it without its request validators, to be passed to `app.openapi`. */
export function documentedOnly<R extends RouteConfig>(app: App, route: R): Omit<R, 'request'> & { hide: true } {
  app.openAPIRegistry.registerPath(route);
  const { request: _validatedByTheHandler, ...served } = route;
  return { ...served, hide: true };
}

/** The query parsed by `schema`; a request without a query string costs nothing when the schema accepts none. */
export function validQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S, empty: z.infer<S> | undefined): z.infer<S> {
  if (empty !== undefined && !c.req.url.includes('?')) return empty;
  const result = schema.safeParse(c.req.query());
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const parametre = issue.path.join('.') || 'paramètre';
  throw new ApiError('requete-invalide', `${parametre} : ${issue.message}`, { parametre });
}

/** What `validQuery` returns for a request without a query string (undefined when the schema requires something). */
export function emptyQuery<S extends z.ZodType>(schema: S): z.infer<S> | undefined {
  const result = schema.safeParse({});
  return result.success ? result.data : undefined;
}
