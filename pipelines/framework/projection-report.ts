/**
 * The accounting of a projection done in JS (rows read, projected onto communes, set aside by reason) handed to
 * the run's report in one call: read = projected + every rejection, as the framework checks.
 */
import type { RunReport } from './types.js';

export interface ProjectionCounts { read: number; projected: number; rejected: Iterable<readonly [string, number]> }

export function reportProjection(report: RunReport, counts: ProjectionCounts): void {
  report.read(counts.read);
  report.projected(counts.projected);
  for (const [reason, n] of counts.rejected) report.rejected(reason, n);
}
