/** check: blocking gates. A failure stops the release; nothing is published. */
import type { Referential } from '../../src/domain/referential.js';
import { GateError } from './errors.js';
import { rekeyedCount, type RekeyedResult } from './older-cog.js';
import type { ScopeKind } from './scope.js';
import type { SourceDefinition } from '../../src/contract/registry.js';
import type { SourceStats } from '../../src/contract/release.js';
import type { CommuneRecord } from '../../src/contract/dataset.js';

/** Above this share of rejected rows a file is considered broken rather than imperfect. */
export const MAX_REJECTED_SHARE = 0.05;

/**
 * The file's row count against the registry's range. A file of one row per commune that exceeds
 * it may be of an older COG: it is then judged on its re-keyed result (see older-cog.ts), and
 * the answer says so.
 */
export function checkRowCount(def: SourceDefinition, stats: SourceStats, scope: ScopeKind, rekeyed?: RekeyedResult): { recode: boolean } {
  const range = scope === 'sample' ? def.lignesEchantillon : def.lignesAttendues;
  const min = scope === 'partial' ? 0 : range.min;
  if (stats.read >= min && stats.read <= range.max) return { recode: false };
  const expected = `attendu entre ${min} et ${range.max}${scope === 'sample' ? ' (échantillon)' : ''}`;
  let detail = '';
  if (rekeyed && def.uneLigneParCommune && stats.read > range.max) {
    const judged = rekeyedCount(rekeyed);
    if ('count' in judged && judged.count >= min && judged.count <= range.max) return { recode: true };
    detail = ' ; ' + ('count' in judged
      ? `recodées sur les communes actuelles : ${judged.count} (${rekeyed.communes} communes + ${rekeyed.rejected} rejetées), hors de l'intervalle`
      : judged.problem);
  }
  throw new GateError(def.id, 'nombre de lignes', `${stats.read} lignes lues, ${expected}${detail}`);
}

/**
 * A run that yields no commune would replace the served data by nothing: refused unless the
 * registry says the source may be empty (`peutEtreVide`).
 */
export function checkNotEmpty(def: SourceDefinition, communes: number, departements: readonly string[]): void {
  if (communes > 0 || def.peutEtreVide) return;
  const where = departements.length ? ` pour --departement ${departements.join(', ')}` : '';
  throw new GateError(def.id, 'source vide', `aucune commune projetée${where} ; la release courante reste servie (« peutEtreVide: true » dans data-sources.yaml si c'est attendu)`);
}

export function checkAccounting(def: SourceDefinition, stats: SourceStats, scope: ScopeKind): void {
  const rejected = Object.values(stats.rejected).reduce((a, b) => a + b, 0);
  if (stats.projected + rejected !== stats.read) {
    throw new GateError(def.id, 'bilan des lignes', `${stats.read} lues ≠ ${stats.projected} projetées + ${rejected} rejetées`);
  }
  // Bundled samples gather the awkward rows on purpose: a share measured on them means nothing.
  const max = def.partRejeteeMax ?? MAX_REJECTED_SHARE;
  if (scope !== 'sample' && stats.read > 0 && rejected / stats.read > max) {
    const reasons = Object.entries(stats.rejected).map(([r, n]) => `${r}: ${n}`).join('; ');
    throw new GateError(def.id, 'part de lignes valides', `${rejected} lignes rejetées sur ${stats.read} (> ${max * 100} %) — ${reasons}`);
  }
}

/** Records must be keyed by a current commune or arrondissement of the release's COG, once each. */
export function communeKeyCheck(def: SourceDefinition, referential: Referential): (record: Pick<CommuneRecord, 'code'>) => void {
  const seen = new Set<string>();
  return (record) => {
    if (!referential.commune(record.code)) {
      throw new GateError(def.id, 'codes communes', `code « ${record.code} » inconnu du COG ${referential.millesime} (à ré-indexer sur les communes actuelles)`);
    }
    if (seen.has(record.code)) throw new GateError(def.id, 'codes communes', `code « ${record.code} » publié deux fois`);
    seen.add(record.code);
  };
}
