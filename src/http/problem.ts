/**
 * RFC 9457 problem details: the one error shape of the API. Domain code throws
 * `ApiError`; `onError` and the validation hook both answer with `problem()`.
 */
import { z } from '@hono/zod-openapi';

export const PROBLEM_TYPES = {
  'requete-invalide': { status: 400, title: 'Requête invalide' },
  'code-invalide': { status: 400, title: 'Code mal formé' },
  'filtre-requis': { status: 400, title: 'Filtre requis' },
  'introuvable': { status: 404, title: 'Ressource introuvable' },
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

export const problemSchema = z.object({
  type: z.string().openapi({ example: '/problemes/code-invalide' }),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  requestId: z.string().optional(),
}).passthrough().openapi('Problem');

export function problemBody(type: ProblemType, detail: string | undefined, instance: string, requestId?: string, extra: Record<string, unknown> = {}) {
  const { status, title } = PROBLEM_TYPES[type];
  return { type: `/problemes/${type}`, title, status, detail, instance, requestId, ...extra };
}

export function problemResponse(body: { status: number }, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8', ...headers },
  });
}

const problemContent = { 'application/problem+json': { schema: problemSchema } };
/** Spread into every route's `responses` so that the OpenAPI document lists the error shapes. */
export const problemResponses = {
  400: { description: 'Paramètre mal formé', content: problemContent },
  404: { description: 'Inconnu', content: problemContent },
  503: { description: 'Aucune release publiée', content: problemContent },
} as const;
