/**
 * From a code in a URL to a current commune, the way the architecture fixes it:
 * current → the commune; déléguée/associée or retired → 301 to today's commune;
 * split → 300 with the list; malformed → 400; unknown → 404.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { communeCodeProblem } from '../../domain/codes.js';
import { MOD_LABELS, type CommuneEntry } from '../../domain/referential.js';
import { ApiError } from '../../errors.js';
import type { AppEnv } from '../../http/context.js';

function relocated(url: URL, from: string, to: string): string {
  return url.pathname.replace(`/commune/${from}`, `/commune/${to}`) + url.search;
}

export function resolveCommune(c: Context<AppEnv>, code: string): CommuneEntry {
  const problem = communeCodeProblem(code);
  if (problem) throw new ApiError('code-invalide', problem);
  const release = c.get('release')!;
  const resolution = release.referential.resolve(code);
  const headers = { 'Dotation-Release': release.id, 'Cache-Control': 'public, max-age=300' };
  switch (resolution.kind) {
    case 'current':
      return resolution.commune;
    case 'unknown':
      throw new ApiError('introuvable', `Aucune commune, actuelle ou ancienne, n'a le code ${code} dans le COG ${release.referential.millesime}.`);
    case 'redirect': {
      const url = new URL(c.req.url);
      const { from, to, date, mod } = resolution;
      const evenement = mod ? MOD_LABELS[mod] : undefined;
      const statut = from.type === 'commune-deleguee' ? 'commune déléguée' : from.type === 'commune-associee' ? 'commune associée' : 'ancienne commune';
      const quand = date ? ` depuis le ${date}` : '';
      const body = {
        code: from.code,
        nom: from.nom,
        statut: from.type,
        message: `${from.nom} (${from.code}) est une ${statut} rattachée à ${to.nom} (${to.code})${quand}${evenement ? ` (${evenement})` : ''}.`,
        communeActuelle: { code: to.code, nom: to.nom, href: relocated(url, code, to.code) },
        dateEffet: date ?? null,
        evenement: evenement ?? null,
      };
      throw new HTTPException(301, {
        res: Response.json(body, { status: 301, headers: { ...headers, Location: relocated(url, code, to.code) } }),
      });
    }
    case 'split': {
      const url = new URL(c.req.url);
      const body = {
        code: resolution.from.code,
        nom: resolution.from.nom,
        message: `Le code ${code} a été partagé entre ${resolution.to.length} communes actuelles${resolution.date ? ` le ${resolution.date}` : ''} : choisissez-en une.`,
        communesActuelles: resolution.to.map((t) => ({ code: t.code, nom: t.nom, href: relocated(url, code, t.code) })),
        dateEffet: resolution.date ?? null,
      };
      throw new HTTPException(300, { res: Response.json(body, { status: 300, headers }) });
    }
  }
}
