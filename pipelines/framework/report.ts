/** Per-source run accounting: every row read is projected or rejected with a reason. */
import type { SourceStats } from '../../src/contract/release.js';
import type { RunReport } from './types.js';

/**
 * Notes whose key starts with this prefix describe a defect of the producer's
 * file (e.g. names with lost characters), shown apart in the run summary.
 */
export const QUALITY_NOTE = 'qualité: ';

/** Records a defect of the source's own file with its count (nothing when there is none). */
export function noteQuality(report: RunReport, defect: string, count: number): void {
  if (count > 0) report.note(QUALITY_NOTE + defect, count);
}

export class StatsReport implements RunReport {
  readonly stats: SourceStats = { read: 0, projected: 0, rejected: {}, notes: {}, durationMs: 0 };
  read(count = 1): void { this.stats.read += count; }
  projected(count = 1): void { this.stats.projected += count; }
  rejected(reason: string, count = 1): void { this.stats.rejected[reason] = (this.stats.rejected[reason] ?? 0) + count; }
  note(key: string, value: number | string): void { this.stats.notes[key] = value; }
  get rejectedTotal(): number { return Object.values(this.stats.rejected).reduce((a, b) => a + b, 0); }
}

export function formatSummary(rows: { source: string; stats: SourceStats; status: string }[]): string {
  const lines = ['source                    lues      projetées  rejetées   durée   statut'];
  for (const { source, stats, status } of rows) {
    const rejected = Object.values(stats.rejected).reduce((a, b) => a + b, 0);
    lines.push(`${source.padEnd(24)} ${String(stats.read).padStart(9)} ${String(stats.projected).padStart(10)} ${String(rejected).padStart(9)} ${(stats.durationMs / 1000).toFixed(1).padStart(7)}s  ${status}`);
    for (const [reason, n] of Object.entries(stats.rejected)) lines.push(`    rejet: ${reason} (${n})`);
    for (const [key, value] of Object.entries(stats.notes)) lines.push(`    ${key.startsWith(QUALITY_NOTE) ? '' : 'note: '}${key} = ${value}`);
  }
  return lines.join('\n');
}
