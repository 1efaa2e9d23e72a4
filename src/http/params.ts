/**
 * Strict numeric query parameters. `z.coerce.number()` takes `''` for 0,
 * `0x10` for 16 and `1e-400` for 0: a typo then silently answers something
 * else. These accept plain decimal notation only (what a portal writes), and
 * still document themselves as numbers in OpenAPI.
 */
import { z } from '@hono/zod-openapi';

const DECIMAL = /^-?(?:\d{1,10}(?:\.\d{1,15})?)$/;
const INTEGER = /^-?\d{1,15}$/;

/** The message for a value that is no number at all; bounds keep zod's (French) messages. */
function notANumber(message: string) {
  return (issue: { code: string }) => (issue.code === 'invalid_type' ? message : undefined);
}

function strict(pattern: RegExp) {
  return (value: unknown) => (typeof value === 'string' && pattern.test(value) ? Number(value) : value);
}

/** A decimal number within bounds (e.g. WGS84 degrees). */
export function decimalParam(min: number, max: number) {
  return z.preprocess(strict(DECIMAL), z.number({ error: notANumber('nombre décimal attendu (chiffres et point décimal, sans exposant ni hexadécimal)') }).min(min).max(max));
}

/** An integer within bounds (page, limit, pixel sizes). */
export function integerParam(min: number, max: number) {
  return z.preprocess(strict(INTEGER), z.number({ error: notANumber('nombre entier attendu (chiffres seulement)') }).int().min(min).max(max));
}
