/**
 * The shape of a release as both sides see it: which load serves each source,
 * where each load's files came from and how its rows were accounted for.
 */

/** Where a load's data came from: every file read, as fetched. */
export interface Provenance {
  files: { url?: string; path: string; sha256: string; bytes: number; retrievedAt: string }[];
}

/** Row accounting of one load: every row read is projected or rejected with a reason. */
export interface SourceStats {
  read: number;
  projected: number;
  rejected: Record<string, number>;
  notes: Record<string, number | string>;
  durationMs: number;
}

export interface ReleaseInfo {
  id: string;
  parentId: string | null;
  createdAt: string;
  publishedAt?: string;
  summary: unknown;
  /** source id → load id */
  loads: Record<string, number>;
}

export interface LoadInfo {
  id: number;
  sourceId: string;
  millesime: string;
  createdAt: string;
  provenance: Provenance;
  stats: SourceStats;
  fields: unknown;
  metadata: unknown;
}
