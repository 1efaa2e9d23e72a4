/**
 * The release a request is answered from. Asked of the store at most every
 * `checkMs`, so that a release published by the CLI is served within that
 * delay by every replica, with no state of its own to disagree on.
 */
import type { Queryable } from '../db/client.js';
import type { Referential } from '../domain/referential.js';
import { currentReleaseId, readLoads, readRelease, referentialOfLoad } from './repository.js';
import type { LoadInfo, ReleaseInfo } from '../contract/release.js';

export interface ServingRelease extends ReleaseInfo {
  referential: Referential;
  loadInfo: Map<number, LoadInfo>;
}

export class ReleaseTracker {
  private cached?: { at: number; release?: ServingRelease };
  private pending?: Promise<ServingRelease | undefined>;

  constructor(private readonly db: Queryable, private readonly checkMs: number) {}

  async current(): Promise<ServingRelease | undefined> {
    if (this.cached && Date.now() - this.cached.at < this.checkMs) return this.cached.release;
    this.pending ??= this.refresh().finally(() => { this.pending = undefined; });
    return this.pending;
  }

  /**
   * The release `current()` would answer without asking the store, or 'stale'
   * when it is time to ask again: synchronous, for the hot paths that answer
   * before the app (a stale tracker sends them through the app, which refreshes it).
   */
  fresh(): ServingRelease | undefined | 'stale' {
    return this.cached && Date.now() - this.cached.at < this.checkMs ? this.cached.release : 'stale';
  }

  private async refresh(): Promise<ServingRelease | undefined> {
    const id = await currentReleaseId(this.db);
    if (id && this.cached?.release?.id === id) {
      this.cached = { at: Date.now(), release: this.cached.release };
      return this.cached.release;
    }
    const release = id ? await this.build(id) : undefined;
    this.cached = { at: Date.now(), release };
    return release;
  }

  private async build(id: string): Promise<ServingRelease | undefined> {
    const info = await readRelease(this.db, id);
    if (!info?.loads.cog) return undefined;
    const loadInfo = await readLoads(this.db, Object.values(info.loads));
    const referential = await referentialOfLoad(this.db, info.loads.cog, loadInfo.get(info.loads.cog)!.millesime);
    return { ...info, referential, loadInfo };
  }
}
