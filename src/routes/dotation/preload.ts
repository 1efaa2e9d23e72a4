/**
 * Every current commune's (and arrondissement's) lean dotation, built into the response cache when a
 * release starts being served, so that a uniform draw over the whole country
 * costs a map lookup instead of a build. Rows are read in batches (one query
 * per BATCH communes instead of one per commune) and each document is stored
 * as its gzip bytes and its identity in pieces, the pieces every commune repeats
 * kept once per release (`dotationBody`), weighed against the cache's byte
 * budget: the preload stops, and says so, once it has used PRELOAD_SHARE of it
 * (the rest is for other forms and territories). Documents carry their
 * release id in the key and are built from that release object alone, so a
 * response never mixes releases; a newer release stops an older preload.
 */
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { AppDeps } from '../../http/context.js';
import type { CachedBody } from '../../http/cached-body.js';
import { SharedPieces } from '../../http/shared-pieces.js';
import { dotationParts } from '../../dotation/json-parts.js';
import type { Dotation } from '../../dotation/schema.js';
import { cacheKey, responseCache } from '../../http/response-cache.js';
import { assembleDotation, communesDatasetRows, dotationLoads, type DotationOptions } from '../../dotation/build.js';
import type { ServingRelease } from '../../releases/serving-release.js';
import { dotationVariant } from './query.js';

/** Communes per query. */
const BATCH = 1000;
/** Documents built between two yields to pending requests (~5 ms of work). */
const SLICE = 50;
/** Share of the cache's byte budget the preload may fill. */
const PRELOAD_SHARE = 0.8;

/** `bytes`: what the cache weighs (gzip, own identity bytes, piece references); `sharedBytes`: the release's shared pieces, once. */
export interface PreloadReport { release: string; communes: number; built: number; bytes: number; sharedBytes: number; ms: number; complete: boolean }

export function dotationCacheKey(release: ServingRelease, code: string, options: DotationOptions = {}): string {
  return cacheKey(release.id, code, `dotation${dotationVariant(options)}.json`);
}

const sharedPieces = new WeakMap<ServingRelease, SharedPieces>();

/** The pieces the dotations of `release` share, kept once (they go with the release object). */
export function releasePieces(release: ServingRelease): SharedPieces {
  let pieces = sharedPieces.get(release);
  if (!pieces) sharedPieces.set(release, pieces = new SharedPieces());
  return pieces;
}

/** A dotation as the cache keeps it: gzip bytes, and identity bytes whose shared pieces are the release's. */
export function dotationBody(release: ServingRelease, doc: Dotation): CachedBody {
  return releasePieces(release).body(dotationParts(doc), 'application/json');
}

export class DotationPreloader {
  private releaseId?: string;
  private running: Promise<PreloadReport | undefined> = Promise.resolve(undefined);

  constructor(private readonly deps: AppDeps) {}

  /** Starts preloading `release` unless it is the one already preloaded (or being). Cheap: called on every request. */
  follow(release: ServingRelease): void {
    if (release.id === this.releaseId) return;
    this.releaseId = release.id;
    this.running = this.preload(release).catch((err: unknown) => {
      // Requests still build what they ask for: a failed preload costs speed, not answers.
      this.deps.logger?.error({ err, release: release.id }, 'préchargement des dotations interrompu');
      return undefined;
    });
  }

  /** The last preload started, once finished. */
  settled(): Promise<PreloadReport | undefined> {
    return this.running;
  }

  private async preload(release: ServingRelease): Promise<PreloadReport> {
    const started = Date.now();
    const { store, registry } = this.deps;
    const cache = responseCache(this.deps);
    const budget = cache.maxBytes * PRELOAD_SHARE;
    const communes = [...release.referential.communesAndArrondissements()];
    const loads = dotationLoads(registry, release);
    let built = 0;
    let bytes = 0;
    let complete = true;
    outer: for (let i = 0; i < communes.length; i += BATCH) {
      const batch = communes.slice(i, i + BATCH).filter((c) => !cache.has(dotationCacheKey(release, c.code)));
      const rows = await communesDatasetRows(store, loads, batch.map((c) => c.code));
      for (let j = 0; j < batch.length; j++) {
        if (j % SLICE === 0) await yieldToRequests();
        if (this.releaseId !== release.id) { complete = false; break outer; }
        if (bytes > budget || built >= cache.maxEntries * PRELOAD_SHARE) { complete = false; break outer; }
        const commune = batch[j];
        const body = dotationBody(release, assembleDotation(registry, release, commune, rows.get(commune.code) ?? new Map()));
        cache.set(dotationCacheKey(release, commune.code), body);
        bytes += body.bytes;
        built++;
      }
    }
    const report = { release: release.id, communes: communes.length, built, bytes, sharedBytes: releasePieces(release).bytes, ms: Date.now() - started, complete };
    this.deps.logger?.info(report, complete ? 'dotations préchargées' : 'préchargement des dotations arrêté (budget mémoire ou nouvelle release)');
    return report;
  }
}

const preloaders = new WeakMap<AppDeps, DotationPreloader>();

/** The preloader of an app (one per deps object, like its response cache). */
export function dotationPreloader(deps: AppDeps): DotationPreloader {
  let preloader = preloaders.get(deps);
  if (!preloader) preloaders.set(deps, preloader = new DotationPreloader(deps));
  return preloader;
}
