/**
 * The origin to write into links that leave the response (DCAT distributions,
 * iframe snippets, oEmbed): PUBLIC_URL when the service sits behind a proxy or
 * CDN, else the origin the request came to.
 */
import type { Context } from 'hono';
import type { AppEnv } from './context.js';

export function publicOrigin(c: Context<AppEnv>): string {
  return c.get('publicUrl') ?? new URL(c.req.url).origin;
}
