/**
 * A source whose producer needs an account names, in its registry entry, the
 * environment variable that holds the token (`jetonEnv`), never the token. It
 * is read here at fetch time only: the value goes into a request header and
 * nowhere else (not the cache, not the provenance, not a log line). Without
 * it, the source is skipped with a clear reason and the release goes on.
 */
import type { SourceDefinition } from '../../src/contract/registry.js';

export type Credential = { headers?: Record<string, string> } | { skip: string };

/** What a download of `def` needs; `fetching` false (sample, --input) needs nothing. */
export function credentialFor(def: SourceDefinition, fetching: boolean, env: NodeJS.ProcessEnv = process.env): Credential {
  if (!def.jetonEnv || !fetching) return {};
  const token = env[def.jetonEnv]?.trim();
  if (!token) return { skip: `source « ${def.id} » ignorée : la variable d'environnement ${def.jetonEnv} (jeton d'accès du producteur) n'est pas définie ; le reste de la release continue` };
  return { headers: { authorization: `Bearer ${token}` } };
}
