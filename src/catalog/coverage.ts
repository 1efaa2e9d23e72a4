/**
 * Which communes show which datasets in a release: per dataset, how many
 * communes have data and the most populous of them; a few "showcase" communes
 * (for each dataset, the commune holding it that has the most datasets); the
 * registered datasets the release lacks. Computed from the store for the
 * bundled sample release, written to samples/offline-coverage.json and to the
 * README by `npm run couverture-hors-ligne`, printed by the start-up banner.
 */
import type { Queryable } from '../db/client.js';
import type { SourceDefinition } from '../contract/registry.js';
import type { Referential } from '../domain/referential.js';

export interface Coverage {
  datasets: { id: string; communes: number; exemples: { code: string; nom: string }[] }[];
  vitrines: { code: string; nom: string; datasets: string[] }[];
  absents: { id: string; illustratif: boolean }[];
}

const EXAMPLES = 3;

export async function releaseCoverage(
  db: Queryable, registry: SourceDefinition[], release: { loads: Record<string, number>; referential: Referential },
): Promise<Coverage> {
  const loaded = registry.filter((s) => s.id !== 'cog' && release.loads[s.id]);
  const sourceOf = new Map(loaded.map((s) => [release.loads[s.id], s.id]));
  const rows = sourceOf.size
    ? await db.query<{ load_id: number; code: string }>('SELECT load_id, code FROM commune_datasets WHERE load_id = ANY($1::int[])', [[...sourceOf.keys()]])
    : [];
  const byCommune = new Map<string, Set<string>>();
  const byDataset = new Map<string, string[]>(loaded.map((s) => [s.id, []]));
  for (const r of rows) {
    const id = sourceOf.get(r.load_id)!;
    byDataset.get(id)!.push(r.code);
    byCommune.set(r.code, (byCommune.get(r.code) ?? new Set()).add(id));
  }
  const ref = release.referential;
  const population = (code: string) => ref.commune(code)?.population ?? 0;
  const named = (code: string) => ({ code, nom: ref.commune(code)?.nom ?? code });
  // Most datasets first, then most populous, then code: a stable order for a committed file.
  const rank = (a: string, b: string) => byCommune.get(b)!.size - byCommune.get(a)!.size || population(b) - population(a) || (a < b ? -1 : 1);
  const order = (ids: Iterable<string>) => [...ids].sort((a, b) => registry.findIndex((s) => s.id === a) - registry.findIndex((s) => s.id === b));

  const vitrines = new Set<string>();
  for (const codes of byDataset.values()) if (codes.length) vitrines.add([...codes].sort(rank)[0]);
  return {
    datasets: loaded.map((s) => {
      const codes = byDataset.get(s.id)!;
      const top = [...codes].sort((a, b) => population(b) - population(a) || (a < b ? -1 : 1)).slice(0, EXAMPLES);
      return { id: s.id, communes: codes.length, exemples: top.map(named) };
    }),
    vitrines: [...vitrines].sort(rank).map((code) => ({ ...named(code), datasets: order(byCommune.get(code)!) })),
    absents: registry.filter((s) => s.id !== 'cog' && !release.loads[s.id]).map((s) => ({ id: s.id, illustratif: s.echantillonIllustratif })),
  };
}

/** The README's table. */
export function coverageMarkdown(c: Coverage): string {
  const lines = [
    '| commune | jeux servis avec des données réelles (hors `cog`) |',
    '|---|---|',
    ...c.vitrines.map((v) => `| ${v.nom} \`${v.code}\` | ${v.datasets.join(', ')} |`),
    '',
    '| jeu | communes avec données | les plus peuplées |',
    '|---|---:|---|',
    ...c.datasets.map((d) => `| ${d.id} | ${d.communes} | ${d.exemples.map((e) => `${e.nom} \`${e.code}\``).join(', ')} |`),
  ];
  if (c.absents.length) {
    lines.push('', `Hors de la release hors ligne (\`not-ingested\`, la \`raison\` de chaque entrée le dit) : ${c.absents.map((a) => `${a.id}${a.illustratif ? ' (échantillon illustratif)' : ''}`).join(', ')}.`);
  }
  return lines.join('\n');
}

/** The start-up banner's lines: which commune to open for which datasets. */
export function coverageBanner(c: Coverage, base: string): string[] {
  return [
    'Release d\'échantillon hors ligne — communes et jeux servis avec des données réelles :',
    ...c.vitrines.map((v) => `  ${base}/commune/${v.code}/dotation   ${v.nom} : ${v.datasets.join(', ')}`),
  ];
}
