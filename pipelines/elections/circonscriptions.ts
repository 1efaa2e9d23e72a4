/**
 * The per-commune législatives files do not name the circonscription; the
 * per-circonscription file of the same round does, with the same candidate
 * blocks. A candidate (panneau, nuance, nom, prénom) stands in one
 * circonscription, so matching candidates names the circonscription(s) of
 * every commune, including communes shared between several.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Layout } from './layout.js';
import { circonscriptionCode } from './codes.js';
import { candidateKey, type Circonscription } from './project.js';
import { checkValues, readCandidates, stageFile, typedSql, TYPED_FIXED, TYPED_PER_BLOCK } from './stage.js';

export interface CirconscriptionIndex {
  /** Candidate key → its circonscription; null when two circonscriptions share the key (homonyms on the same panneau). */
  byCandidate: Map<string, Circonscription | null>;
  count: number;
}

export async function readCirconscriptions(
  duckdb: DuckDBConnection, sourceId: string, table: string, path: string, name: string, layout: Layout,
): Promise<CirconscriptionIndex> {
  await stageFile(duckdb, sourceId, table, path, name, layout);
  await checkValues(duckdb, sourceId, table, name, layout);
  const fields = await readCandidates(duckdb, sourceId, table, name, layout);
  const byCandidate = new Map<string, Circonscription | null>();
  const codes = new Set<string>();
  const result = await duckdb.stream(typedSql(table, layout));
  for await (const chunk of result.yieldRowsJs()) {
    for (const row of chunk as (string | number | bigint | null)[][]) {
      const code = circonscriptionCode(row[4] as string | null);
      if (!code) continue;
      const circo: Circonscription = { code, libelle: (row[5] as string | null) ?? null };
      codes.add(code);
      for (let b = 0; b < layout.blocks.length; b++) {
        const k = row[TYPED_FIXED + b * TYPED_PER_BLOCK] as bigint | null;
        if (k === null) continue;
        const key = candidateKey(fields.get(k)!);
        const known = byCandidate.get(key);
        if (known === undefined) byCandidate.set(key, circo);
        else if (known && known.code !== code) byCandidate.set(key, null);
      }
    }
  }
  await duckdb.run(`DROP TABLE IF EXISTS ${table}`);
  return { byCandidate, count: codes.size };
}
