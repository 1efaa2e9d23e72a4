/**
 * The error a service or a route throws when a request names something
 * malformed or absent. It lives below both so that services can refuse a
 * request without importing the HTTP layer; `src/http/problem.ts` turns it
 * into an RFC 9457 problem+json answer.
 */
export const PROBLEM_TYPES = {
  'requete-invalide': { status: 400, title: 'Requête invalide' },
  'code-invalide': { status: 400, title: 'Code mal formé' },
  'filtre-requis': { status: 400, title: 'Filtre requis' },
  'introuvable': { status: 404, title: 'Ressource introuvable' },
  'methode-non-autorisee': { status: 405, title: 'Méthode non autorisée' },
  'aucune-release': { status: 503, title: 'Aucune release publiée' },
  'erreur-interne': { status: 500, title: 'Erreur interne' },
} as const;
export type ProblemType = keyof typeof PROBLEM_TYPES;

export class ApiError extends Error {
  constructor(readonly type: ProblemType, readonly detail: string, readonly extra: Record<string, unknown> = {}) {
    super(detail);
  }
  get status(): number { return PROBLEM_TYPES[this.type].status; }
}
