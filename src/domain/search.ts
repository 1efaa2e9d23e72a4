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

const indexes = new WeakMap<Referential, { entry: CommuneEntry; name: string }[]>();

function indexOf(referential: Referential): { entry: CommuneEntry; name: string }[] {
  let index = indexes.get(referential);
  if (!index) {
    index = [...referential.communesAndArrondissements()].map((entry) => ({ entry, name: normalizeName(entry.nom) }));
    indexes.set(referential, index);
  }
  return index;
}

export function searchByName(referential: Referential, query: string, candidates?: Set<CommuneEntry>): CommuneEntry[] {
  const q = normalizeName(query);
  if (!q) return [];
  const tokens = q.split(' ');
  const scored: { entry: CommuneEntry; score: number }[] = [];
  for (const { entry, name } of indexOf(referential)) {
    if (candidates && !candidates.has(entry)) continue;
    let score = 0;
    if (name === q) score = 3;
    else if (name.startsWith(q)) score = 2;
    else if (tokens.every((t) => name.includes(t))) score = 1;
    if (score) scored.push({ entry, score });
  }
  return scored
    .sort((a, b) => b.score - a.score || (b.entry.population ?? 0) - (a.entry.population ?? 0) || a.entry.code.localeCompare(b.entry.code))
    .map((s) => s.entry);
}
