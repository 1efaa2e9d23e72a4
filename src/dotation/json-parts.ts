/**
 * A dotation's JSON cut into parts whose concatenation is exactly
 * `JSON.stringify(doc)`, each marked `shared` when the same bytes recur in the
 * other communes' documents of a release: an entry's head (id, titre,
 * producteur, licence, finalité, millésime, statut, raison — the same for every
 * commune with that status) and the rest of an entry that carries nothing of
 * the commune's (no figures, no link but `/sources/{id}`). A cache keeps one
 * copy of the shared parts (src/http/shared-pieces.ts), so that every
 * commune's identity bytes stay in memory for the cost of its own bytes.
 */
import type { DatasetEntry, Dotation } from './schema.js';

export interface JsonPart { text: string; shared: boolean }

/** The key that follows an entry's head: every field before it is a scalar of the registry or the release. */
const LIENS = ',"liens":';

function entryParts(entry: DatasetEntry, separator: string): JsonPart[] {
  const json = JSON.stringify(entry);
  // Inside a JSON string every `"` is escaped, so the first `,"liens":` is the entry's own key.
  const cut = json.indexOf(LIENS);
  if (cut < 0) return [{ text: separator + json, shared: false }];
  const ownNothing = entry.donnees === undefined && Object.keys(entry.liens).length === 1;
  return [{ text: separator + json.slice(0, cut), shared: true }, { text: json.slice(cut), shared: ownNothing }];
}

export function dotationParts(doc: Dotation): JsonPart[] {
  const { datasets, ...identity } = doc;
  // Composition holds when `datasets` is the document's last key (as assembleDotation writes it).
  const keys = Object.keys(doc);
  if (keys.at(-1) !== 'datasets' || keys.length < 2) return [{ text: JSON.stringify(doc), shared: false }];
  return [
    { text: `${JSON.stringify(identity).slice(0, -1)},"datasets":[`, shared: false },
    ...datasets.flatMap((entry, i) => entryParts(entry, i ? ',' : '')),
    { text: ']}', shared: true },
  ];
}
