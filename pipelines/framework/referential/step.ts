/**
 * The referential step: builds the COG every source is projected onto and
 * loads it under its own load id. The run executes it first whenever the
 * release being built needs a new COG (asked for, or none published yet).
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { SourceDefinition } from '../../../src/contract/registry.js';
import type { Store } from '../../../src/db/client.js';
import { Referential } from '../../../src/domain/referential.js';
import { checkRowCount } from '../checks.js';
import { loadReferential } from '../load.js';
import type { StatsReport } from '../report.js';
import type { ScopeKind } from '../scope.js';
import { buildReferentialData } from './build.js';
import { decoupageVersion } from './decoupage.js';

/** The registry id of the referential source. */
export const REFERENTIAL_SOURCE = 'cog';

export async function runReferentialStep(args: {
  def: SourceDefinition; files: string[]; duckdb: DuckDBConnection; store: Store; loadId: number; report: StatsReport; scope: ScopeKind;
}): Promise<{ referential: Referential; millesime: string }> {
  const { def, report } = args;
  const data = await buildReferentialData(args.files, args.duckdb);
  const referential = new Referential(data);
  report.read(data.communes.length);
  report.projected(data.communes.length);
  report.note('communes', referential.size);
  report.note('historique', data.history.length);
  report.note('epci', data.epci.length);
  if (def.format === 'npm-package') report.note('@etalab/decoupage-administratif', decoupageVersion());
  // The referential is always whole: a sample of it is the national package.
  checkRowCount(def, { ...report.stats, read: referential.size }, args.scope === 'sample' ? 'national' : args.scope);
  await loadReferential(args.store, args.loadId, data);
  return { referential, millesime: data.millesime };
}
