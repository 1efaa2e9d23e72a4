/**
 * The demonstrator, served by the API itself: the demo page (`/`), the
 * embeddable commune card (`/commune/{code}/embed`), its oEmbed endpoint
 * (`/oembed`) and their static assets (`/demo/assets/…`). The page and the
 * card are plain HTML + scripts that read the public API like any consumer.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { publicOrigin } from '../../http/origin.js';
import type { Context } from 'hono';
import type { App, AppEnv } from '../../http/context.js';
import type { CommuneEntry } from '../../domain/referential.js';
import { problemResponse, problemResponses } from '../../http/problem.js';
import { ApiError } from '../../errors.js';
import { integerParam } from '../../http/params.js';
import { resolveCommune } from '../communes/resolve.js';
import { ASSET_PREFIX, escapeHtml, fillTemplate, loadAssets, readTemplate } from './assets.js';
import { embedSize, embedTargetOf } from './oembed.js';

/** Everything comes from this origin: the policy itself proves the page needs no CDN, font or tile server. */
const CSP_BASE = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";
const PAGE_HEADERS = { 'Content-Security-Policy': `${CSP_BASE}; frame-src 'self'; frame-ancestors 'self'`, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };
/** The card is meant to be framed by any site. */
const EMBED_HEADERS = { 'Content-Security-Policy': `${CSP_BASE}; frame-ancestors *`, 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache' };

const NO_RELEASE_NOTICE = `<p class="notice" role="status">Aucune release n'est encore publiée : la recherche répondra dès la fin de l'ingestion initiale (ou lancez <code>npx dotation ingest --sample</code>).</p>`;

const codeParam = z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: '35238' }) });

const getEmbed = createRoute({
  method: 'get', path: '/commune/{code}/embed', tags: ['Démonstrateur'],
  summary: 'Carte intégrable de la commune (page HTML autonome pour une <iframe>)',
  description: 'Contour, chiffres clés avec millésime et source, lien vers la dotation complète. Découverte oEmbed par `<link rel="alternate" type="application/json+oembed">`.',
  request: { params: codeParam },
  responses: {
    200: { description: 'La carte', content: { 'text/html': { schema: z.string() } } },
    301: { description: 'Commune déléguée ou ancienne : redirection vers la carte de la commune actuelle' },
    ...problemResponses,
  },
});

const oembedQuery = z.object({
  url: z.string().min(1).openapi({ example: 'http://localhost:3000/commune/35238', description: 'Une URL de cette instance : /commune/{code}, /commune/{code}/embed ou /?commune={code}' }),
  maxwidth: integerParam(1, 100_000).optional(),
  maxheight: integerParam(1, 100_000).optional(),
  format: z.string().optional().openapi({ description: 'Seul `json` est pris en charge (501 sinon)' }),
});

export const oembedSchema = z.object({
  version: z.literal('1.0'), type: z.literal('rich'), title: z.string(),
  provider_name: z.string(), provider_url: z.string(), cache_age: z.number().int(),
  html: z.string(), width: z.number().int(), height: z.number().int(),
}).openapi('OEmbed');

const getOembed = createRoute({
  method: 'get', path: '/oembed', tags: ['Démonstrateur'],
  summary: 'oEmbed « rich » de la carte d\'une commune',
  request: { query: oembedQuery },
  responses: {
    200: { description: 'Réponse oEmbed (type rich) : une <iframe> vers /commune/{code}/embed', content: { 'application/json': { schema: oembedSchema } } },
    ...problemResponses,
    501: { description: 'Format autre que json' },
  },
});

/**
 * The hosts a URL may carry to be "ours": the configured origin's, and the one
 * this request came to (the demo page asks with `location.origin`). The Host
 * only recognises a URL; what the answer links to is the configured origin.
 */
function ownHosts(c: Context<AppEnv>): string[] {
  return [new URL(publicOrigin(c)).host.toLowerCase(), new URL(c.req.url).host.toLowerCase()];
}

/** A code from a URL to today's commune, without redirects: oEmbed consumers want an answer, not a 301. */
function currentCommuneOf(c: Context<AppEnv>, code: string): CommuneEntry | undefined {
  const resolution = c.get('release')?.referential.resolve(code);
  if (resolution?.kind === 'current') return resolution.commune;
  if (resolution?.kind === 'redirect') return resolution.to;
  return undefined;
}

function oembedLink(origin: string, commune: CommuneEntry): string {
  const target = `${origin}/commune/${commune.code}/embed`;
  return `<link rel="alternate" type="application/json+oembed" href="${escapeHtml(`${origin}/oembed?url=${encodeURIComponent(target)}&format=json`)}" title="${escapeHtml(`${commune.nom} (${commune.code})`)}">`;
}

export function iframeHtml(origin: string, commune: { code: string; nom: string }, size: { width: number; height: number }): string {
  const title = `Dotation de données nationales de ${commune.nom} (${commune.code})`;
  return `<iframe src="${escapeHtml(`${origin}/commune/${commune.code}/embed`)}" width="${size.width}" height="${size.height}" title="${escapeHtml(title)}" loading="lazy" style="border:0;max-width:100%"></iframe>`;
}

export function registerDemoRoutes(app: App): void {
  const assets = loadAssets();
  const pageTemplate = readTemplate('index.html');
  const embedTemplate = readTemplate('embed.html');

  app.get('/', (c) => {
    const origin = publicOrigin(c);
    const requested = c.req.query('commune');
    const commune = requested ? currentCommuneOf(c, requested) : undefined;
    const html = fillTemplate(pageTemplate, assets, {
      notice: c.get('release') ? '' : NO_RELEASE_NOTICE,
      head: commune ? oembedLink(origin, commune) : '',
      title: commune ? `${escapeHtml(commune.nom)} — Dotation de données nationales` : 'Dotation de données nationales — démonstrateur',
    });
    return c.html(html, 200, PAGE_HEADERS);
  });

  app.get(`${ASSET_PREFIX}:file`, (c) => {
    const asset = assets.get(c.req.param('file'));
    if (!asset) return c.notFound();
    // Versioned URLs never change content; an unversioned or stale one must be revalidated.
    const cache = c.req.query('v') === asset.version ? 'public, max-age=31536000, immutable' : 'no-cache';
    return c.body(new Uint8Array(asset.body), 200, { 'Content-Type': asset.type, 'Cache-Control': cache, 'X-Content-Type-Options': 'nosniff' });
  });

  app.openapi(getEmbed, (c) => {
    const commune = resolveCommune(c, c.req.valid('param').code);
    const origin = publicOrigin(c);
    const html = fillTemplate(embedTemplate, assets, {
      code: escapeHtml(commune.code),
      nom: escapeHtml(commune.nom),
      oembed: oembedLink(origin, commune),
    });
    return c.html(html, 200, EMBED_HEADERS);
  });

  app.openapi(getOembed, (c) => {
    const { url, maxwidth, maxheight, format } = c.req.valid('query');
    const instance = c.req.path;
    if (format && format !== 'json') {
      // oEmbed §2.3.4: an unsupported format is a 501, not a 400.
      const body = { type: '/problemes/format-non-pris-en-charge', title: 'Format non pris en charge', status: 501, detail: `Format « ${format} » : seul json est servi.`, instance, requestId: c.get('requestId') };
      return problemResponse(body);
    }
    const target = embedTargetOf(url, ownHosts(c));
    if (target.kind === 'malformed') throw new ApiError('requete-invalide', `url : ${target.detail}`);
    if (target.kind === 'foreign') throw new ApiError('introuvable', target.detail);
    const commune = currentCommuneOf(c, target.code);
    if (!commune) throw new ApiError('introuvable', `Aucune commune actuelle ne répond au code « ${target.code} » dans cette release.`);
    const origin = publicOrigin(c);
    const size = embedSize(maxwidth, maxheight);
    return c.json({
      version: '1.0' as const, type: 'rich' as const,
      title: `${commune.nom} (${commune.code}) — dotation de données nationales`,
      provider_name: 'Dotation', provider_url: `${origin}/`, cache_age: 86_400,
      html: iframeHtml(origin, commune, size), ...size,
    }, 200);
  });
}

