/**
 * RFC 9457 problem details: the one error shape of the API. Services and routes
 * throw `ApiError` (src/errors.ts); `onError` and the validation hook both answer with `problem()`.
 */
import { z } from '@hono/zod-openapi';
import { PROBLEM_TYPES, type ProblemType } from '../errors.js';

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
