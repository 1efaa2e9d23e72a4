/**
 * The shape of a release as both sides see it: which load serves each source,
 * where each load's files came from and how its rows were accounted for.
 */
import { z } from 'zod';

/** One file a load read, as fetched: the shape written at ingestion and served in every provenance. */
export const provenanceFileSchema = z.object({ url: z.string().optional(), path: z.string(), sha256: z.string(), bytes: z.number(), retrievedAt: z.string() });
export type ProvenanceFile = z.infer<typeof provenanceFileSchema>;

/**
 * Which départements a load covers: `departements` re-read from its files by a partial run
 * (absent: the whole file), the rest carried over unchanged from load `reprisDe`.
 */
export const coverageSchema = z.object({
  departements: z.array(z.string()),
  reprisDe: z.number().int().optional(),
  communesReprises: z.number().int().optional(),
});

/** Where a load's data came from: every file read, as fetched, and the départements it covers. */
export const provenanceSchema = z.object({ files: z.array(provenanceFileSchema), couverture: coverageSchema.optional() });
export type Provenance = z.infer<typeof provenanceSchema>;

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
