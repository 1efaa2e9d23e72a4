/**
 * Validation messages in French, set once for the whole process: zod's own
 * French locale is the error map, so every route's schema speaks French
 * without per-route strings. Imported for its effect by `app.ts`.
 */
import { z } from '@hono/zod-openapi';

z.config(z.locales.fr());
