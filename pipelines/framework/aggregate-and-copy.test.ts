import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aggregateAndCopy } from './aggregate-and-copy.js';
import { SourceError } from './errors.js';
import type { SourceContext } from './types.js';

const file = join(mkdtempSync(join(tmpdir(), 'aggregate-copy-')), 'lignes.csv');
writeFileSync(file, 'code;valeur\n35238;1\n35238\n');

/** DuckDB's scan, which an interrupt stops the way DuckDB does (with a bare error). */
let interruptScan: () => void = () => {};

/** A context whose store refuses the COPY at once, with its own error (naming no file or line). */
function context(): SourceContext {
  return {
    source: { id: 'essai' }, files: [file], progress: { update() {} }, duckdb: { interrupt: () => interruptScan() },
    bulk: { loadId: 1, copy: async () => 0, copyCsv: async () => { throw new Error('COPY refusée par le stockage'); } },
  } as unknown as SourceContext;
}

const spec = (aggregate: () => Promise<number>) => ({
  table: 't', layout: { columns: ['code', 'valeur'], delimiter: ';', key: 'code' }, phase: 'copie', noun: 'lignes',
  aggregate, accept: (code: string | null) => code ?? undefined,
});

describe('aggregateAndCopy when the COPY fails before DuckDB has finished', () => {
  it('waits for DuckDB and reports its located error, not the store\'s', async () => {
    const located = new SourceError('essai', file, '1 colonne au lieu de 2', 3, 'valeur');
    const slowScan = () => new Promise<number>((_, reject) => {
      const timer = setTimeout(() => reject(located), 300);
      interruptScan = () => { clearTimeout(timer); reject(new Error('INTERRUPT Error: Interrupted!')); };
    });
    await expect(aggregateAndCopy(context(), spec(slowScan))).rejects.toBe(located);
  });

  it('reports the store\'s error when DuckDB found nothing wrong', async () => {
    const cleanScan = () => new Promise<number>((resolve) => setTimeout(() => resolve(1), 100));
    await expect(aggregateAndCopy(context(), spec(cleanScan))).rejects.toThrow('COPY refusée par le stockage');
  });
});
