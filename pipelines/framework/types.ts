/**
 * The contract between the ingestion framework and one source.
 *
 * A source is a folder `pipelines/<id>/` whose `source.ts` exports by default a
 * `SourcePipeline` with the id it has in `data-sources.yaml`. The framework
 * fetches its files, validates the run's scope, hands the files over with a
 * DuckDB connection and the COG referential of the release being built, and
 * checks, loads and publishes what `run` yields. A source never touches the
 * release tables itself: it throws `SourceError`/`GateError` to stop the release.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceDefinition } from '../../src/contract/registry.js';
import type { DepartementScope } from './scope.js';
import type { Referential } from '../../src/domain/referential.js';
import type { CommuneRecord, FieldSchema, Scalar } from '../../src/contract/dataset.js';

export interface RunReport {
  /** Rows read from the source files (every row is then projected or rejected). */
  read(count?: number): void;
  projected(count?: number): void;
  /** A row set aside, with a reason that appears in the run summary. */
  rejected(reason: string, count?: number): void;
  /** Free-form figures for the summary (e.g. rows set aside for French citizens abroad). */
  note(key: string, value: number | string): void;
}

export interface Progress {
  /** Starts or updates a bar for a phase; total unknown → spinner-like count. */
  update(phase: string, done: number, total?: number): void;
}

/** Extra release-scoped bulk tables (e.g. addresses), written by COPY. */
export interface BulkLoader {
  copy(table: string, columns: string[], rows: AsyncIterable<Scalar[]> | Iterable<Scalar[]>): Promise<number>;
  /** Text already in COPY's csv format (see Store.copyCsv), for files whose lines can go to the table as they are. */
  copyCsv(table: string, columns: string[], chunks: AsyncIterable<string | Uint8Array>, options: { delimiter: string }): Promise<void>;
  /** The load id to put in the `load_id` column of such tables. */
  readonly loadId: number;
}

export interface SourceContext {
  source: SourceDefinition;
  /** Local files for this run (downloaded, cached, or given with --input), in registry order. */
  files: string[];
  duckdb: DuckDBConnection;
  /** COG of the release being built: validate and re-key commune codes with it. */
  referential: Referential;
  /** The départements this run covers: `scope.includes(code)` for any commune code of the file. */
  scope: DepartementScope;
  report: RunReport;
  progress: Progress;
  bulk: BulkLoader;
  /** Scratch directory for extracted archives, removed after the run. */
  workDir: string;
  /**
   * Records another source has in the release being built (e.g. commune contours
   * for coverage shares), or undefined when that source is not in it. Declare it
   * in `dependsOn` so that it is ingested first when both run together.
   */
  dataset(sourceId: string): Promise<CommuneRecord[] | undefined>;
}

/**
 * A commune record whose parts the source's SQL already serialised (DuckDB `to_json`):
 * loaded as they are, so a national list never goes through JS objects row by row.
 */
export interface SerializedCommuneRecord {
  code: string;
  json: { data: string; rows?: string | null; features?: string | null };
}

/**
 * A source's figures for a territory above the commune that are its own, not a roll-up of its communes' (the
 * président of an EPCI): stored per load (territory-records.ts), served in that territory's dotation.
 */
export interface TerritoryRecord {
  kind: 'epci';
  /** SIREN of the EPCI. */
  code: string;
  data: Record<string, unknown>;
}

export interface SourceOutput {
  /** Millésime actually found in the file (e.g. "2024", "RP2021"), overrides the registry's. */
  millesime?: string;
  fields?: FieldSchema[];
  communes: AsyncIterable<CommuneRecord | SerializedCommuneRecord> | Iterable<CommuneRecord | SerializedCommuneRecord>;
  /** Source-level metadata shown in the dotation (e.g. definitions of variables). */
  metadata?: Record<string, unknown>;
  /** Records of territories above the commune (every one the file gives, whatever the run's scope). */
  territories?: Iterable<TerritoryRecord>;
}

export interface SourcePipeline {
  id: string;
  /** Sources whose data this one reads through `ctx.dataset` (ingested first when run together). */
  dependsOn?: string[];
  run(ctx: SourceContext): Promise<SourceOutput>;
}
