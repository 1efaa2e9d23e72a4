/**
 * What every route and middleware is given: the app's dependencies and the
 * per-request variables the middleware sets. Declared here rather than in
 * app.ts so that routes and http helpers depend on these types, not on the
 * module that assembles them (no import cycle through app.ts).
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Logger } from 'pino';
import type { Store } from '../db/client.js';
import type { SourceDefinition } from '../contract/registry.js';
import type { ServingRelease } from '../releases/serving-release.js';
import type { Encoding } from './compression.js';

export interface AppDeps {
  store: Store;
  registry: SourceDefinition[];
  releaseCheckMs?: number;
  logger?: Logger;
  /** Bytes of the rendered-body cache (dotations built once per release, commune, format); 0 disables it. */
  cacheBytes?: number;
  /** Origin written into outgoing links (PUBLIC_URL or the configured HOST:PORT); default http://localhost:3000. */
  publicUrl?: string;
}

export type AppEnv = {
  Variables: { requestId: string; release: ServingRelease | undefined; encoding: Encoding | undefined; publicUrl: string };
};
export type App = OpenAPIHono<AppEnv>;
