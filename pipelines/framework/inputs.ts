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

export interface InputPlan {
  inputs?: Map<string, string[]>;
  sample?: boolean;
  departements: string[];
  projectRoot: string;
  fetch: FetchOptions;
  /** Every département of the COG, for per-département sources ingested nationally. */
  allDepartements: () => string[];
}

export function allowedHosts(registry: SourceDefinition[], inputs?: Map<string, string[]>): string[] {
  // Registry hosts, plus the mirrors the operator names explicitly with --input.
  const mirrors = [...(inputs?.values() ?? [])].flat().filter((spec) => /^https?:\/\//.test(spec));
  return [...new Set([...registry.flatMap((s) => s.urls), ...mirrors].map((u) => new URL(u).hostname))];
}

export async function sourceFiles(def: SourceDefinition, plan: InputPlan, progress: Progress): Promise<{ files: FetchedFile[]; scope: ScopeKind }> {
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
    files.push(await fetchToCache(url, {
      ...plan.fetch,
      maxBytes: def.tailleMax,
      expectedSha256: urls.length === 1 ? def.sha256 : undefined,
      onProgress: (received, total) => progress.update('téléchargement', received, total),
    }));
  }
  return { files, scope: partialOrNational };
}
