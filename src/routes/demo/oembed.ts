/**
 * oEmbed (https://oembed.com) for the commune card: which of our URLs can be
 * embedded, and at what size. Pure functions; the route resolves the code.
 */

/** The card's natural size in the iframe (CSS pixels). */
export const EMBED_SIZE = { width: 480, height: 640 } as const;

export type EmbedTarget =
  | { kind: 'commune'; code: string }
  | { kind: 'malformed'; detail: string }
  | { kind: 'foreign'; detail: string };

/**
 * `url` must be one of ours: the demo page on a commune (`/?commune=35238`),
 * the commune (`/commune/35238`, `/commune/35238/dotation`) or its card
 * (`/commune/35238/embed`). `hosts` are the host names this server answers on.
 */
export function embedTargetOf(raw: string, hosts: string[]): EmbedTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { kind: 'malformed', detail: `« ${raw} » n'est pas une URL absolue (ex. http://localhost:3000/commune/35238).` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { kind: 'malformed', detail: `Schéma « ${url.protocol} » non pris en charge : http ou https.` };
  }
  if (!hosts.includes(url.host.toLowerCase())) {
    return { kind: 'foreign', detail: `${url.host} n'est pas servi par cette instance : aucune carte à intégrer.` };
  }
  const path = /^\/commune\/([^/]+)(?:\/(?:embed|dotation))?\/?$/.exec(url.pathname);
  if (path) {
    try {
      return { kind: 'commune', code: decodeURIComponent(path[1]) };
    } catch {
      return { kind: 'malformed', detail: `${url.pathname} : encodage invalide.` };
    }
  }
  const commune = url.searchParams.get('commune');
  if (url.pathname === '/' && commune) return { kind: 'commune', code: commune };
  return { kind: 'foreign', detail: `${url.pathname} n'est pas une carte de commune (formes reconnues : /commune/{code}, /commune/{code}/embed, /?commune={code}).` };
}

/** oEmbed: the returned width and height must not exceed maxwidth / maxheight. */
export function embedSize(maxwidth?: number, maxheight?: number): { width: number; height: number } {
  return {
    width: Math.min(EMBED_SIZE.width, maxwidth ?? Infinity),
    height: Math.min(EMBED_SIZE.height, maxheight ?? Infinity),
  };
}
