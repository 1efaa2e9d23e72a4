/**
 * One pass over a large delimited file, read twice at once: DuckDB aggregates
 * it (a GROUP BY per commune) while a JS reader of the same bytes streams the
 * accepted lines, untouched, to a release-scoped bulk table by COPY
 * (copy-lines.ts says why the copy does not come out of DuckDB). Written for
 * the BAN's 26 M addresses; any source whose lines go to a bulk table as they
 * are can use it.
 *
 * Both readers must keep the same rows (the caller's `accept` is the scan's
 * filter) and agree on the counts: `agree` stops the release otherwise.
 */
import { GateError, SourceError } from './errors.js';
import type { SourceContext } from './types.js';
import { copyLinesText, type LineLayout } from './copy-lines.js';

export interface AggregateAndCopy<T> {
  /** The bulk table; its columns are `load_id` then the layout's. */
  table: string;
  layout: LineLayout;
  /** Progress phase shown during the pass. */
  phase: string;
  /** What is counted, for the gates' messages (`adresses`). */
  noun: string;
  /** DuckDB's reading of the files, started once the progress phase is shown. */
  aggregate(): Promise<T>;
  /** The commune a row counts for, from its key, or undefined to leave it out: the same filter as the GROUP BY's. */
  accept(key: string | null): string | undefined;
  /** Position of each accepted row (needs `layout.point`). */
  point?(commune: string, x: number | null, y: number | null): void;
}

export interface CopyCounts {
  /** Rows copied, in all. */
  total: number;
  /** Rows copied per commune. */
  perCommune: Map<string, number>;
  /** Checks DuckDB's counts per commune, then the projected total, against the copy. */
  agree(counted: Iterable<readonly [commune: string, rows: number]>, projected: number): void;
}

export async function aggregateAndCopy<T>(ctx: SourceContext, spec: AggregateAndCopy<T>): Promise<{ result: T; copied: CopyCounts }> {
  const sourceId = ctx.source.id;
  const progress = ctx.progress;
  progress.update(spec.phase, 0);
  const aggregation = spec.aggregate();
  // A format error found by DuckDB stops the copy at once instead of after the last row.
  let aggregationFailed: unknown;
  aggregation.catch((error: unknown) => { aggregationFailed = error; });
  const perCommune = new Map<string, number>();
  let streamed = 0;
  let reported = 0;
  const point = spec.point;
  const text = copyLinesText(sourceId, ctx.files, spec.layout, `${ctx.bulk.loadId}${spec.layout.delimiter}`, {
    accept: spec.accept,
    counted(commune, n) {
      perCommune.set(commune, (perCommune.get(commune) ?? 0) + n);
      streamed += n;
    },
    ...(point ? { point } : {}),
  });
  async function* checked(): AsyncGenerator<Buffer> {
    for await (const chunk of text) {
      if (aggregationFailed) throw aggregationFailed;
      if (streamed - reported >= 250_000) progress.update(spec.phase, (reported = streamed));
      yield chunk;
    }
  }
  try {
    await ctx.bulk.copyCsv(spec.table, ['load_id', ...spec.layout.columns], checked(), { delimiter: spec.layout.delimiter });
  } catch (error) {
    // A broken line is named by both readers, and DuckDB's message (source, file,
    // line, column) is the reference one. When COPY refuses the line first (the
    // store's own error, naming none of them), DuckDB is left to finish its scan
    // of the same bytes rather than interrupted: interrupting it lost the located
    // error to a race. A failure of the store itself only waits for the scan.
    const duck = await aggregation.then(() => undefined, (e: unknown) => e);
    throw duck instanceof SourceError ? duck : error;
  }
  const result = await aggregation;
  const check = `${spec.noun} copiées`;
  const copied: CopyCounts = {
    total: streamed,
    perCommune,
    agree(counted, projected) {
      // Two readers of the same bytes must agree, commune by commune.
      for (const [commune, rows] of counted) {
        const n = perCommune.get(commune) ?? 0;
        if (n !== rows) throw new GateError(sourceId, check, `commune ${commune}: ${n} ${spec.noun} copiées, ${rows} comptées par DuckDB`);
      }
      if (streamed !== projected) throw new GateError(sourceId, check, `${streamed} ${spec.noun} copiées, ${projected} comptées par commune`);
    },
  };
  return { result, copied };
}
