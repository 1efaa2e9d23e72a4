/**
 * The origin written into links that leave a response (DCAT distributions,
 * iframe snippets, oEmbed): always from configuration (PUBLIC_URL, or the
 * configured HOST:PORT), never from the request's Host header, which any
 * client can set.
 */
import type { Context } from 'hono';
import type { AppEnv } from './context.js';

/** What the default configuration (HOST 0.0.0.0, PORT 3000) prints at start-up. */
export const DEFAULT_PUBLIC_URL = 'http://localhost:3000';

export function publicOrigin(c: Context<AppEnv>): string {
  return c.get('publicUrl');
}
