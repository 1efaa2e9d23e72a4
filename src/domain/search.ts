/**
 * Name search as users type names: case, accents, hyphens, apostrophes and the
 * abbreviations st/ste do not matter; results ranked by match then population.
 */
import type { CommuneEntry, Referential } from './referential.js';

export function normalizeName(text: string): string {
  return text
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’'`\-_.,/]/g, ' ')
    .replace(/œ/g, 'oe').replace(/æ/g, 'ae')
    .split(/\s+/).filter(Boolean)
    .map((t) => (t === 'st' ? 'saint' : t === 'ste' ? 'sainte' : t))
    .join(' ');
}

/** Most populated first, then by code: the order of every list of communes the API answers. */
export function byPopulation(a: CommuneEntry, b: CommuneEntry): number {
  return (b.population ?? 0) - (a.population ?? 0) || a.code.localeCompare(b.code);
}

const indexes = new WeakMap<Referential, { entry: CommuneEntry; name: string }[]>();

/** Communes and arrondissements with their normalised names, most populated first (built once per referential). */
function indexOf(referential: Referential): { entry: CommuneEntry; name: string }[] {
  let index = indexes.get(referential);
  if (!index) {
    index = [...referential.communesAndArrondissements()].sort(byPopulation).map((entry) => ({ entry, name: normalizeName(entry.nom) }));
    indexes.set(referential, index);
  }
  return index;
}

/** Every commune and arrondissement, most populated first; filtering keeps the order. */
export function entriesByPopulation(referential: Referential): readonly CommuneEntry[] {
  let entries = ordered.get(referential);
  if (!entries) {
    entries = indexOf(referential).map((i) => i.entry);
    ordered.set(referential, entries);
  }
  return entries;
}
const ordered = new WeakMap<Referential, CommuneEntry[]>();

/**
 * Names that begin with the query (the name itself, Évry-Courcouronnes for
 * « évry ») come first, then names that merely contain its words; each group by
 * population, as geo.api.gouv.fr users expect.
 */
export function searchByName(referential: Referential, query: string, candidates?: Set<CommuneEntry>): CommuneEntry[] {
  const q = normalizeName(query);
  if (!q) return [];
  const tokens = q.split(' ');
  const starting: CommuneEntry[] = [];
  const containing: CommuneEntry[] = [];
  for (const { entry, name } of indexOf(referential)) {
    if (candidates && !candidates.has(entry)) continue;
    if (name.startsWith(q)) starting.push(entry);
    else if (tokens.every((t) => name.includes(t))) containing.push(entry);
  }
  return starting.concat(containing);
}
