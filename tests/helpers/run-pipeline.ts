/**
 * Runs one source pipeline the way the framework does, without a database:
 * a real in-memory DuckDB, the real referential of the bundled COG, and a
 * report that counts rows. Bulk rows are kept in memory for assertions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { parse } from 'csv-parse/sync';
import type { SourceOutput, SourcePipeline } from '../../pipelines/framework/types.js';
import type { CommuneRecord, Scalar } from '../../src/contract/dataset.js';
import type { SourceDefinition } from '../../src/contract/registry.js';
import { loadRegistry } from '../../src/contract/registry.js';
import { Referential } from '../../src/domain/referential.js';
import { loadDecoupage } from '../../pipelines/framework/referential/decoupage.js';
import { DepartementScope } from '../../pipelines/framework/scope.js';
import { parseRecord, serializeRecord } from '../../pipelines/framework/load.js';

let referential: Referential | undefined;
export function testReferential(): Referential {
  referential ??= new Referential(loadDecoupage());
  return referential;
}

export function registryEntry(id: string): SourceDefinition {
  const def = loadRegistry(join(import.meta.dirname, '../../data-sources.yaml')).find((s) => s.id === id);
  if (!def) throw new Error(`no source ${id} in data-sources.yaml`);
  return def;
}

export interface PipelineRun {
  output: SourceOutput;
  records: CommuneRecord[];
  /** Each record's JSON texts as load.ts sends them to COPY (and hashes them), in the order of `records`. */
  texts: ReturnType<typeof serializeRecord>[];
  read: number;
  projected: number;
  rejected: Map<string, number>;
  notes: Map<string, number | string>;
  bulk: Map<string, { columns: string[]; rows: Scalar[][] }>;
}

export async function runPipeline(
  pipeline: SourcePipeline,
  options: {
    source: SourceDefinition; files: string[]; departements?: string[]; referential?: Referential;
    datasets?: Record<string, CommuneRecord[]>;
  },
): Promise<PipelineRun> {
  const instance = await DuckDBInstance.create(':memory:');
  const duckdb = await instance.connect();
  const workDir = mkdtempSync(join(tmpdir(), 'dotation-test-'));
  const run: Omit<PipelineRun, 'output' | 'records' | 'texts'> = {
    read: 0, projected: 0, rejected: new Map(), notes: new Map(), bulk: new Map(),
  };
  try {
    const output = await pipeline.run({
      source: options.source,
      files: options.files,
      duckdb,
      referential: options.referential ?? testReferential(),
      scope: new DepartementScope(options.departements ?? [], options.referential ?? testReferential()),
      workDir,
      dataset: async (id) => options.datasets?.[id],
      progress: { update() {} },
      report: {
        read: (n = 1) => { run.read += n; },
        projected: (n = 1) => { run.projected += n; },
        rejected: (reason, n = 1) => { run.rejected.set(reason, (run.rejected.get(reason) ?? 0) + n); },
        note: (key, value) => { run.notes.set(key, value); },
      },
      bulk: {
        loadId: 1,
        async copy(table, columns, rows) {
          const target = run.bulk.get(table) ?? { columns, rows: [] };
          let n = 0;
          for await (const row of rows as AsyncIterable<Scalar[]>) { target.rows.push(row); n++; }
          run.bulk.set(table, target);
          return n;
        },
        // Parsed back the way COPY (FORMAT csv, FORCE_NULL) reads it: text values, empty = NULL.
        async copyCsv(table, columns, chunks, { delimiter }) {
          const target = run.bulk.get(table) ?? { columns, rows: [] };
          for await (const chunk of chunks) {
            for (const record of parse(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'), { delimiter, relax_column_count: false }) as string[][]) {
              if (record.length !== columns.length) throw new Error(`COPY: ${record.length} colonnes au lieu de ${columns.length}`);
              target.rows.push(record.map((v) => (v === '' ? null : v)));
            }
          }
          run.bulk.set(table, target);
        },
      },
    });
    const records: CommuneRecord[] = [];
    const texts: PipelineRun['texts'] = [];
    for await (const r of output.communes) {
      records.push(parseRecord(r));
      texts.push(serializeRecord(r));
    }
    return { ...run, output, records, texts };
  } finally {
    duckdb.closeSync();
    rmSync(workDir, { recursive: true, force: true });
  }
}
