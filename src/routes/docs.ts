/**
 * `/openapi.json` (OpenAPI 3.1 generated from the routes' zod schemas) and
 * `/docs`, Swagger UI served from the npm package: no CDN, works offline.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import type { App } from '../http/context.js';

const require = createRequire(import.meta.url);
const SWAGGER_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = { '.css': 'text/css', '.js': 'text/javascript', '.png': 'image/png', '.map': 'application/json' };

const PAGE = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dotation — documentation de l'API</title><link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script></body></html>`;

/** Started from a file, not inline, so that the page's policy allows scripts from this origin only. */
const INIT = "window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true });\n";

/** Same origin only; Swagger UI sets inline styles, hence 'unsafe-inline' for styles (never for scripts). */
const PAGE_HEADERS = {
  'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
};

export function registerDocs(app: App): void {
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Dotation — API des données nationales par commune',
      version: '1.0.0',
      description: 'Chaque commune reçoit sa « dotation de données nationales » : jeux de données nationaux projetés sur son territoire, documentés et prêts à publier. Les erreurs suivent la RFC 9457 (application/problem+json).',
      license: { name: 'MIT' },
    },
    tags: [{ name: 'Communes' }, { name: 'Territoires' }, { name: 'Dotation' }, { name: 'Méta' }],
  });
  app.get('/docs', (c) => c.html(PAGE, 200, PAGE_HEADERS));
  app.get('/docs/init.js', (c) => c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-cache' }));
  app.get('/docs/assets/:file', async (c) => {
    const file = normalize(c.req.param('file'));
    const ext = file.slice(file.lastIndexOf('.'));
    if (file.includes('/') || !ASSETS[ext]) return c.notFound();
    try {
      return c.body(await readFile(join(SWAGGER_DIR, file)), 200, { 'Content-Type': ASSETS[ext], 'Cache-Control': 'public, max-age=86400' });
    } catch {
      return c.notFound();
    }
  });
}
