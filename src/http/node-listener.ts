/**
 * The node:http listener of the app: @hono/node-server's, preceded by an
 * optional handler that answers some requests itself from ready bytes (the
 * hot paths) and returns false for everything else, which then goes to Hono
 * unchanged.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { getRequestListener } from '@hono/node-server';

/** Answers the request and returns true, or touches nothing and returns false. */
export type NodeShortcut = (req: IncomingMessage, res: ServerResponse) => boolean;

export function nodeListener(fetch: Parameters<typeof getRequestListener>[0], shortcut?: NodeShortcut, hostname?: string): RequestListener {
  const hono = getRequestListener(fetch, { hostname });
  if (!shortcut) return hono;
  return (req, res) => {
    if (!shortcut(req, res)) void hono(req, res);
  };
}
