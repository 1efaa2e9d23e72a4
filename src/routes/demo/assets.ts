/**
 * The demonstrator's static files (`src/demo/`), read once at start-up and
 * served by the API itself: no build step, no CDN. Each asset URL carries a
 * content hash (`?v=`) so that a browser never keeps a stale script while the
 * release-derived ETag of the path stays the same.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'demo');
export const ASSET_PREFIX = '/demo/assets/';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface Asset { body: Buffer; type: string; version: string }

export function loadAssets(dir = join(DEMO_DIR, 'assets')): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir).sort()) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { body, type, version: createHash('sha256').update(body).digest('hex').slice(0, 10) });
  }
  return assets;
}

/** `{{asset:demo.js}}` → `/demo/assets/demo.js?v=<hash>`; `{{key}}` → the (already escaped) value. */
export function fillTemplate(template: string, assets: Map<string, Asset>, values: Record<string, string>): string {
  return template.replace(/\{\{(asset:)?([\w.-]+)\}\}/g, (_whole, asset: string | undefined, key: string) => {
    if (asset) {
      const found = assets.get(key);
      if (!found) throw new Error(`Gabarit du démonstrateur : ressource inconnue ${key}`);
      return `${ASSET_PREFIX}${key}?v=${found.version}`;
    }
    if (!(key in values)) throw new Error(`Gabarit du démonstrateur : valeur manquante ${key}`);
    return values[key];
  });
}

export function readTemplate(name: string): string {
  return readFileSync(join(DEMO_DIR, name), 'utf8');
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}
