/**
 * What goes into a pack, before any byte is written: the territory, the
 * release, and for each dataset its files (CSV with a Table Schema, GeoJSON)
 * with the metadata the README and datapackage.json describe. The ZIP is then
 * a fixed sequence: README.md, datapackage.json, licences, data files.
 */
import type { Queryable, Store } from '../db/client.js';
import type { CommuneEntry } from '../domain/referential.js';
import type { ServingRelease } from '../releases/serving-release.js';
import type { LoadInfo } from '../contract/release.js';
import type { SourceDefinition } from '../contract/registry.js';
import type { FieldSchema } from '../contract/dataset.js';
import { addressCodes, isAddressLoad, streamAddresses } from '../dotation/addresses.js';
import { communeDatasets, loadedDatasets } from './content.js';
import { communeTable, csvChunks, geojsonChunks, tablesOf, type Table } from './tables.js';

export interface PackFile {
  /** Path in the ZIP. */
  path: string;
  /** Frictionless resource name. */
  name: string;
  title: string;
  description?: string;
  format: 'csv' | 'geojson';
  /** Table Schema fields (CSV files). */
  fields?: FieldSchema[];
  /** CSV separator when not `,` (declared in datapackage.json's dialect). */
  delimiter?: ';';
  chunks: () => AsyncIterable<string | Uint8Array>;
}

export interface PackDataset {
  def: SourceDefinition;
  loadId: number;
  load: LoadInfo;
  files: PackFile[];
}

export type TerritoryKind = 'commune' | 'epci' | 'departement' | 'region';

export interface PackPlan {
  kind: TerritoryKind;
  code: string;
  nom: string;
  release: { id: string; date: string };
  /** The territory's identity file(s): the commune, or the member communes. */
  identity: PackFile;
  datasets: PackDataset[];
  /** Registered datasets absent from the pack, with why. */
  absent: { def: SourceDefinition; raison: string }[];
  /** Paragraphs the README adds (e.g. how aggregates are computed). */
  notes?: string[];
  /** Files besides the datasets' (e.g. aggregated indicators). */
  extra?: PackFile[];
}

export function csvFile(table: Table, description?: string): PackFile {
  return { path: `${table.name}.csv`, name: table.name, title: table.title, description, format: 'csv', fields: table.fields, delimiter: table.delimiter, chunks: () => csvChunks(table) };
}

/** The release's publication instant as RFC 3339 (drivers may hand back PostgreSQL's own text form). */
export function releaseDate(release: ServingRelease): string {
  const raw = release.publishedAt ?? release.createdAt;
  const date = new Date(raw);
  return Number.isNaN(date.getTime()) ? raw : date.toISOString();
}

export async function communePlan(db: Queryable, registry: SourceDefinition[], release: ServingRelease, commune: CommuneEntry): Promise<PackPlan> {
  const present = await communeDatasets(db, registry, release, commune.code);
  const loaded = new Set(loadedDatasets(registry, release).map((d) => d.def.id));
  const presentIds = new Set(present.map((d) => d.def.id));
  return {
    kind: 'commune',
    code: commune.code,
    nom: commune.nom,
    release: { id: release.id, date: releaseDate(release) },
    identity: csvFile(communeTable(release.referential, [commune]), 'Identité de la commune dans le Code officiel géographique de la release.'),
    datasets: present.map((ds) => {
      const files = tablesOf(db, ds, commune.code).map((t) => csvFile(t, ds.def.description));
      if (isAddressLoad(ds.load.metadata)) {
        // Addresses are points: their GeoJSON comes from the bulk table, as `/datasets/ban.geojson` serves it.
        const codes = addressCodes(ds.data, commune.code);
        files.splice(1, 0, {
          path: `${ds.def.id}.geojson`, name: `${ds.def.id}-geojson`, title: `${ds.def.titre} (points)`, format: 'geojson',
          description: 'Une entité Point par adresse (WGS84, EPSG:4326), propriétés = colonnes du CSV hors coordonnées.',
          chunks: () => streamAddresses(db as Store, ds.loadId, codes, 'geojson'),
        });
      }
      if (ds.features?.length) {
        const features = ds.features;
        files.push({
          path: `${ds.def.id}.geojson`, name: `${ds.def.id}-geojson`, title: `${ds.def.titre} (géométries)`, format: 'geojson',
          description: 'Géométries en WGS84 (EPSG:4326), une entité par objet.', chunks: () => geojsonChunks([features]),
        });
      }
      return { def: ds.def, loadId: ds.loadId, load: ds.load, files };
    }),
    absent: registry.filter((def) => def.id !== 'cog' && !presentIds.has(def.id)).map((def) => ({
      def, raison: loaded.has(def.id) ? `pas de données pour ${commune.nom} dans ce jeu` : 'jeu non chargé dans cette release',
    })),
  };
}
