/**
 * A route test reads a JSON body through the zod schema the route publishes in
 * its OpenAPI document, so that the document and the answers cannot drift
 * apart. The body is returned as received (not zod's parsed copy, which drops
 * undeclared keys) and untyped like `res.json()`, since tests look into
 * open-ended parts (`donnees`, JSON-LD nodes) the schema leaves unknown.
 */
import type { z } from 'zod';
import { problemSchema } from '../../src/http/problem.js';

export async function jsonOf(res: Response, schema: z.ZodType): Promise<any> {
  const body: unknown = await res.json();
  schema.parse(body);
  return body;
}

/** An error answer: RFC 9457 problem details. */
export function problemOf(res: Response): Promise<any> {
  return jsonOf(res, problemSchema);
}
