/**
 * Dotations above the commune: an EPCI, a département or a région gets each
 * dataset aggregated from its member communes (method stated next to each
 * value), and a pack with the member communes' rows side by side.
 */
import type { Queryable } from '../db/client.js';
import { DEPARTEMENT_CODE, REGION_CODE, SIREN } from '../domain/codes.js';
import type { CommuneEntry, Referential } from '../domain/referential.js';
import { ApiError } from '../errors.js';
import type { ServingRelease } from '../releases/serving-release.js';
import type { SourceDefinition } from '../contract/registry.js';
import type { FieldSchema, Scalar } from '../contract/dataset.js';
import { rowObjects, type StoredRows } from '../contract/rows.js';
import { declaredFields, loadedDatasets, type LoadedDataset } from '../pack/content.js';
import { csvFile, releaseDate, type PackFile, type PackPlan, type TerritoryKind } from '../pack/plan.js';
import { communeTable, geojsonChunks, KEY_VALUE_FIELDS, keyValueRows } from '../pack/tables.js';
import { DatasetAggregator, METHOD_LABELS, type Indicator } from './aggregate.js';
import { ownRecordsFile } from './own-records.js';
import type { TerritoryDotation } from './schema.js';
import { sourceDocuments, sourcePath } from '../catalog/source.js';
import type { DotationOptions } from '../dotation/build.js';

export type AboveCommune = Exclude<TerritoryKind, 'commune'>;

export interface Territory {
  kind: AboveCommune;
  code: string;
  nom: string;
  /** Current communes (not arrondissements), sorted by code. */
  membres: CommuneEntry[];
}

/** Codes per query when reading member communes' rows: bounded memory for a région of 5 000 communes. */
const CHUNK = 250;

export function territoryOf(referential: Referential, kind: AboveCommune, code: string): Territory {
  const sorted = (list: CommuneEntry[]) => list.sort((a, b) => a.code.localeCompare(b.code));
  if (kind === 'epci') {
    if (!SIREN.test(code)) throw new ApiError('code-invalide', `« ${code} » : un SIREN d'EPCI a 9 chiffres`);
    const epci = referential.epci.get(code);
    if (!epci) throw new ApiError('introuvable', `Aucun EPCI à fiscalité propre de SIREN ${code} dans le COG ${referential.millesime}`);
    const membres = epci.membres.map((m) => referential.commune(m)).filter((m): m is CommuneEntry => m?.type === 'commune-actuelle');
    return { kind, code, nom: epci.nom, membres: sorted(membres) };
  }
  if (kind === 'departement') {
    if (!DEPARTEMENT_CODE.test(code)) throw new ApiError('code-invalide', `« ${code} » n'est pas un code de département (01…95, 2A, 2B, 971…976)`);
    const dep = referential.departements.get(code);
    if (!dep) throw new ApiError('introuvable', `Aucun département ${code}`);
    return { kind, code, nom: dep.nom, membres: sorted([...referential.communes()].filter((c) => c.departement === code)) };
  }
  if (!REGION_CODE.test(code)) throw new ApiError('code-invalide', `« ${code} » n'est pas un code de région (2 chiffres)`);
  const reg = referential.regions.get(code);
  if (!reg) throw new ApiError('introuvable', `Aucune région ${code}`);
  return { kind, code, nom: reg.nom, membres: sorted([...referential.communes()].filter((c) => c.region === code)) };
}

function chunks<T>(list: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

export interface AggregatedDataset {
  id: string;
  titre: string;
  producteur: string;
  licence: SourceDefinition['licence'];
  finalite: SourceDefinition['finalite'];
  millesime: string | null;
  statut: 'available' | 'not-ingested' | 'no-data-for-territory';
  liens: { source: string };
  communes: { membres: number; avecDonnees: number };
  indicateurs: Indicator[];
  /** What the source publishes for the territory itself (an EPCI's président), when it does. */
  territoire?: Record<string, unknown>;
}

/** The territory's own record of a load (territory_datasets), if its source gave one. */
async function ownRecord(db: Queryable, loadId: number, territory: Territory): Promise<Record<string, unknown> | undefined> {
  const [row] = await db.query<{ data: Record<string, unknown> }>(
    'SELECT data FROM territory_datasets WHERE load_id = $1 AND kind = $2 AND code = $3', [loadId, territory.kind, territory.code]);
  return row?.data;
}

async function aggregateDataset(db: Queryable, ds: LoadedDataset, territory: Territory): Promise<AggregatedDataset> {
  const fields = declaredFields(ds.load) ?? [];
  const aggregator = new DatasetAggregator(fields);
  const population = new Map(territory.membres.map((c) => [c.code, c.population]));
  let avecDonnees = 0;
  for (const part of chunks(territory.membres.map((c) => c.code), CHUNK)) {
    if (aggregator.aggregable) {
      const rows = await db.query<{ code: string; rows: StoredRows | null }>(
        'SELECT code, rows FROM commune_datasets WHERE load_id = $1 AND code = ANY($2::text[])', [ds.loadId, part]);
      for (const r of rows) aggregator.add(r.code, population.get(r.code), rowObjects(fields, r.rows ?? []));
      avecDonnees += rows.length;
    } else {
      const [{ n }] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM commune_datasets WHERE load_id = $1 AND code = ANY($2::text[])', [ds.loadId, part]);
      avecDonnees += n;
    }
  }
  // Without rows read, the declared numeric fields are still listed, as not aggregable.
  const indicateurs = aggregator.aggregable ? aggregator.indicators() : fields
    .filter((f) => (f.type === 'number' || f.type === 'integer') && f.name !== 'code')
    .map((f): Indicator => ({ cle: {}, champ: f.name, libelle: f.description ?? null, unite: f.unit ?? null, valeur: null, methode: 'none', methodeLibelle: METHOD_LABELS.none, communes: 0, communesSansValeur: 0 }));
  const territoire = await ownRecord(db, ds.loadId, territory);
  return {
    id: ds.def.id, titre: ds.def.titre, producteur: ds.def.producteur, licence: ds.def.licence, finalite: ds.def.finalite,
    millesime: ds.load.millesime, statut: avecDonnees || territoire ? 'available' : 'no-data-for-territory', liens: { source: sourcePath(ds.def.id) },
    communes: { membres: territory.membres.length, avecDonnees }, indicateurs, ...(territoire ? { territoire } : {}),
  };
}

export async function territoryDotation(
  db: Queryable, registry: SourceDefinition[], release: ServingRelease, territory: Territory, options: DotationOptions = {},
): Promise<TerritoryDotation> {
  const loaded = new Map(loadedDatasets(registry, release).map((d) => [d.def.id, d]));
  const sources = options.complet ? sourceDocuments(registry, release) : undefined;
  const datasets: TerritoryDotation['datasets'] = [];
  for (const def of registry) {
    if (def.id === 'cog' || (options.datasets && !options.datasets.has(def.id))) continue;
    const ds = loaded.get(def.id);
    const entry: AggregatedDataset = ds ? await aggregateDataset(db, ds, territory) : {
      id: def.id, titre: def.titre, producteur: def.producteur, licence: def.licence, finalite: def.finalite, millesime: null,
      statut: 'not-ingested', liens: { source: sourcePath(def.id) }, communes: { membres: territory.membres.length, avecDonnees: 0 }, indicateurs: [],
    };
    datasets.push(sources ? { ...entry, source: sources.get(def.id)! } : entry);
  }
  return {
    territoire: {
      type: territory.kind, code: territory.code, nom: territory.nom,
      population: territory.membres.reduce((n, c) => n + (c.population ?? 0), 0),
      communes: territory.membres.map((c) => ({ code: c.code, nom: c.nom, population: c.population ?? null })),
    },
    release: { id: release.id, publieeLe: releaseDate(release) },
    methodes: METHOD_LABELS,
    datasets,
  };
}


const AGGREGATE_FIELDS: FieldSchema[] = [
  { name: 'dataset', type: 'string', description: 'Identifiant du jeu de données' },
  { name: 'cle', type: 'string', description: 'Groupe de lignes agrégé (champs clés du jeu, « champ=valeur » séparés par « ; »), vide pour un jeu à une ligne par commune' },
  { name: 'champ', type: 'string', description: 'Colonne agrégée' },
  { name: 'libelle', type: 'string' },
  { name: 'valeur', type: 'number', description: 'Valeur agrégée ; vide quand le champ n\'est pas agrégeable ou qu\'aucune commune n\'a de valeur' },
  { name: 'unite', type: 'string' },
  { name: 'methode', type: 'string', description: 'sum, mean-weighted-population, ratio ou none (non agrégeable)' },
  { name: 'methodeLibelle', type: 'string' },
  { name: 'communes', type: 'integer', description: 'Communes membres dont la valeur entre dans l\'agrégat' },
  { name: 'communesSansValeur', type: 'integer', description: 'Communes membres ayant des données dans ce groupe mais pas de valeur utilisable (secret, absence, population inconnue)' },
];

function aggregateRows(dotation: TerritoryDotation): Scalar[][] {
  return dotation.datasets.flatMap((d) => d.indicateurs.map((i) => [
    d.id, Object.entries(i.cle).map(([k, v]) => `${k}=${v}`).join(';') || null, i.champ, i.libelle, i.valeur, i.unite, i.methode, i.methodeLibelle, i.communes, i.communesSansValeur,
  ]));
}

/** Member communes' rows of one dataset, one table, read CHUNK communes at a time. */
function membersTable(db: Queryable, ds: LoadedDataset, territory: Territory): PackFile {
  const declared = declaredFields(ds.load);
  const codes = territory.membres.map((c) => c.code);
  // Rows-based datasets keep their columns (all start with the commune code); summaries become code/cle/valeur.
  let fields: FieldSchema[] | undefined = declared && !(ds.load.metadata as { table?: unknown } | null)?.table ? declared : undefined;
  const keyValue = !fields;
  const withCode = (f: FieldSchema[]) => (f.some((x) => x.name === 'code') ? f : [{ name: 'code', type: 'string', description: 'Code INSEE de la commune' } as FieldSchema, ...f]);
  if (keyValue) fields = withCode(KEY_VALUE_FIELDS);
  else fields = withCode(fields!);
  const names = fields.map((f) => f.name);
  return csvFile({
    name: ds.def.id,
    title: `${ds.def.titre} — communes membres`,
    fields,
    async *rows() {
      for (const part of chunks(codes, CHUNK)) {
        const rows = await db.query<{ code: string; data: Record<string, unknown>; rows: StoredRows | null }>(
          `SELECT code, ${keyValue ? 'data, NULL AS rows' : 'NULL AS data, rows'} FROM commune_datasets WHERE load_id = $1 AND code = ANY($2::text[]) ORDER BY code`, [ds.loadId, part]);
        const out: Scalar[][] = [];
        for (const r of rows) {
          if (keyValue) for (const kv of keyValueRows(r.data)) out.push([r.code, ...kv]);
          else for (const row of rowObjects(declared, r.rows ?? [])) out.push(names.map((n) => (n === 'code' ? row.code ?? r.code : (row[n] !== null && typeof row[n] === 'object' ? JSON.stringify(row[n]) : row[n] ?? null))));
        }
        if (out.length) yield out;
      }
    },
  }, ds.def.description);
}

function membersGeojson(db: Queryable, ds: LoadedDataset, territory: Territory): PackFile {
  const codes = territory.membres.map((c) => c.code);
  return {
    path: `${ds.def.id}.geojson`, name: `${ds.def.id}-geojson`, title: `${ds.def.titre} (géométries des communes membres)`, format: 'geojson',
    description: 'Géométries en WGS84 (EPSG:4326).',
    chunks: () => geojsonChunks((async function* () {
      for (const part of chunks(codes, CHUNK)) {
        const rows = await db.query<{ features: GeoJSON.Feature[] }>(
          'SELECT features FROM commune_datasets WHERE load_id = $1 AND code = ANY($2::text[]) AND features IS NOT NULL ORDER BY code', [ds.loadId, part]);
        yield rows.flatMap((r) => r.features);
      }
    })()),
  };
}

export async function territoryPlan(db: Queryable, registry: SourceDefinition[], release: ServingRelease, territory: Territory, dotation: TerritoryDotation): Promise<PackPlan> {
  const loaded = new Map(loadedDatasets(registry, release).map((d) => [d.def.id, d]));
  const present = dotation.datasets.filter((d) => d.statut === 'available').map((d) => loaded.get(d.id)!);
  const hasFeatures = new Set<number>();
  if (present.length) {
    const rows = await db.query<{ load_id: number }>(
      `SELECT DISTINCT load_id FROM commune_datasets WHERE load_id = ANY($1::int[]) AND code = ANY($2::text[]) AND features IS NOT NULL`,
      [present.map((d) => d.loadId), territory.membres.map((c) => c.code)]);
    for (const r of rows) hasFeatures.add(r.load_id);
  }
  const aggregates = aggregateRows(dotation);
  return {
    kind: territory.kind,
    code: territory.code,
    nom: territory.nom,
    release: { id: release.id, date: releaseDate(release) },
    identity: csvFile(communeTable(release.referential, territory.membres, 'communes', 'Les communes membres (Code officiel géographique)'), 'Une ligne par commune membre.'),
    extra: [csvFile({ name: 'indicateurs-agreges', title: 'Indicateurs agrégés des communes membres', fields: AGGREGATE_FIELDS, rows: async function* () { if (aggregates.length) yield aggregates; } },
      'Chaque indicateur agrégé avec sa méthode (somme, moyenne pondérée par la population, ou non agrégeable) et le nombre de communes qu\'il couvre.'),
    ...ownRecordsFile(dotation)],
    datasets: present.map((ds) => ({
      def: ds.def, loadId: ds.loadId, load: ds.load,
      files: [membersTable(db, ds, territory), ...(hasFeatures.has(ds.loadId) ? [membersGeojson(db, ds, territory)] : [])],
    })),
    absent: dotation.datasets.filter((d) => d.statut !== 'available').map((d) => ({
      def: registry.find((s) => s.id === d.id)!, raison: d.statut === 'not-ingested' ? 'jeu non chargé dans cette release' : 'aucune commune membre n\'a de données dans ce jeu',
    })),
    notes: [
      `Les indicateurs de \`indicateurs-agreges.csv\` sont calculés à partir des ${territory.membres.length} communes membres, champ par champ, selon la méthode que déclare chaque jeu : ${METHOD_LABELS.sum} ; ${METHOD_LABELS['mean-weighted-population']} (communes sans valeur exclues du numérateur et du dénominateur) ; ${METHOD_LABELS.ratio} ; ou « ${METHOD_LABELS.none} » (médianes, identifiants, champs sans méthode déclarée). La colonne \`communes\` dit combien de communes chaque valeur couvre.`,
      'Les fichiers par jeu juxtaposent les lignes des communes membres ; les jeux volumineux rangés à part (adresses de la BAN) n\'y figurent que par leur synthèse : leurs lignes sont dans le dossier de chaque commune.',
    ],
  };
}

