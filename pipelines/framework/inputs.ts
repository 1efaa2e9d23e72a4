/**
 * fetch: the local files of one source for this run — given with `--input`
 * (path or mirror URL), the bundled sample, or downloaded from the producer
 * (one file per département when the registry URL has `{departement}`).
 */
import { resolve } from 'node:path';
import type { ScopeKind } from './scope.js';
import { fetchToCache, resolveInput, type FetchOptions, type FetchedFile } from './fetch.js';
import type { SourceDefinition } from '../../src/contract/registry.js';
import type { Progress } from './types.js';
import type { Referential } from '../../src/domain/referential.js';
import type { DepartementScope } from './scope.js';
import { fetchPerKey, keyedRequests } from './keyed-fetch.js';

/** Placeholders of a registry URL that make it an API called once per key (keyed-fetch.ts). */
const KEY_PLACEHOLDER = /\{(commune|epci)\}/;
export type ApiKeys = Record<'commune' | 'epci', string[]>;

/** The keys of a run: current communes in scope, and EPCI (SIREN) with at least one member in scope. */
export function apiKeys(referential: Referential, scope: DepartementScope): ApiKeys {
  const commune = [...referential.communes()].map((c) => c.code).filter((c) => scope.includes(c));
  const epci = [...referential.epci.values()].filter((e) => e.membres.some((m) => scope.includes(m))).map((e) => e.code).sort();
  return { commune, epci };
}

export interface InputPlan {
  inputs?: Map<string, string[]>;
  sample?: boolean;
  departements: string[];
  projectRoot: string;
  fetch: FetchOptions;
  /** Every département of the COG, for per-département sources ingested nationally. */
  allDepartements: () => string[];
  /** Keys of the APIs called per commune or per EPCI, for this run's scope. */
  apiKeys: () => ApiKeys;
}

export function allowedHosts(registry: SourceDefinition[], inputs?: Map<string, string[]>): string[] {
  // Registry hosts, plus the mirrors the operator names explicitly with --input.
  const mirrors = [...(inputs?.values() ?? [])].flat().filter((spec) => /^https?:\/\//.test(spec));
  return [...new Set([...registry.flatMap((s) => s.urls), ...mirrors].map((u) => new URL(u).hostname))];
}

/** Whether this run downloads `def` from its producer (not a sample, not --input, not the bundled package). */
export function fetchesFromProducer(def: SourceDefinition, plan: InputPlan): boolean {
  return !plan.inputs?.get(def.id)?.length && !plan.sample && def.format !== 'npm-package';
}

export async function sourceFiles(
  def: SourceDefinition, plan: InputPlan, progress: Progress, credentialHeaders?: Record<string, string>,
): Promise<{ files: FetchedFile[]; scope: ScopeKind }> {
  const partialOrNational: ScopeKind = plan.departements.length ? 'partial' : 'national';
  const given = plan.inputs?.get(def.id);
  if (given?.length) {
    return { files: await Promise.all(given.map((spec) => resolveInput(spec, plan.fetch))), scope: partialOrNational };
  }
  if (plan.sample || def.format === 'npm-package') {
    // Illustrative files (values not real) never enter a release built from the samples.
    const real = def.echantillon.filter((p) => !def.fichiersIllustratifs.includes(p));
    const files = await Promise.all(real.map((p) => resolveInput(resolve(plan.projectRoot, p), plan.fetch)));
    // The referential package is the real national file, not an excerpt.
    return { files, scope: def.format === 'npm-package' ? 'national' : 'sample' };
  }
  const urls = def.urls.flatMap((u) => (u.includes('{departement}')
    ? (plan.departements.length ? plan.departements : plan.allDepartements()).map((d) => u.replaceAll('{departement}', d))
    : [u]));
  const files: FetchedFile[] = [];
  for (const url of urls) {
    const placeholder = KEY_PLACEHOLDER.exec(url)?.[1] as keyof ApiKeys | undefined;
    if (placeholder) {
      const requests = keyedRequests(url, placeholder, plan.apiKeys()[placeholder]);
      const { file } = await fetchPerKey(url, requests, {
        ...plan.fetch, ratePerSecond: def.requetesParSeconde, onProgress: (done, total) => progress.update(`appels ${new URL(url).pathname}`, done, total),
      });
      files.push(file);
      continue;
    }
    files.push(await fetchToCache(url, {
      ...plan.fetch,
      credentialHeaders,
      maxBytes: def.tailleMax,
      expectedSha256: urls.length === 1 ? def.sha256 : undefined,
      onProgress: (received, total) => progress.update('téléchargement', received, total),
    }));
  }
  return { files, scope: partialOrNational };
}
