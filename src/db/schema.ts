/**
 * Serving store. Every data table is scoped by `load_id` (one ingestion of one
 * source); a release is a mapping source → load, so publishing a release that
 * replaces a few sources copies nothing, and the previous release keeps serving
 * its own loads until the switch.
 */
import { sql } from 'drizzle-orm';
import {
  check, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp,
} from 'drizzle-orm/pg-core';

export const releases = pgTable('releases', {
  id: text('id').primaryKey(),
  parentId: text('parent_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** Run summary: sources ingested by this release, timings, counts. */
  summary: jsonb('summary').notNull(),
});

/** Single row pointing at the release being served; switched in one transaction. */
export const currentRelease = pgTable('current_release', {
  singleton: integer('singleton').primaryKey().default(1),
  releaseId: text('release_id').notNull().references(() => releases.id),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
}, (t) => [check('current_release_singleton', sql`${t.singleton} = 1`)]);

export const loads = pgTable('loads', {
  id: serial('id').primaryKey(),
  sourceId: text('source_id').notNull(),
  millesime: text('millesime').notNull(),
  status: text('status').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  /** Files read: url, path, sha256, bytes, retrievedAt. */
  provenance: jsonb('provenance').notNull(),
  /** Rows read / projected / rejected by reason, notes, duration. */
  stats: jsonb('stats').notNull(),
  fields: jsonb('fields'),
  metadata: jsonb('metadata'),
});

export const releaseSources = pgTable('release_sources', {
  releaseId: text('release_id').notNull().references(() => releases.id),
  sourceId: text('source_id').notNull(),
  loadId: integer('load_id').notNull().references(() => loads.id),
}, (t) => [primaryKey({ columns: [t.releaseId, t.sourceId] })]);

export const cogCommunes = pgTable('cog_communes', {
  loadId: integer('load_id').notNull(),
  code: text('code').notNull(),
  type: text('type').notNull(),
  nom: text('nom').notNull(),
  departement: text('departement').notNull(),
  region: text('region').notNull(),
  epci: text('epci'),
  siren: text('siren'),
  codesPostaux: text('codes_postaux').array().notNull(),
  population: integer('population'),
  zone: text('zone'),
  parent: text('parent'),
}, (t) => [primaryKey({ columns: [t.loadId, t.code, t.type] })]);

export const cogHistory = pgTable('cog_history', {
  loadId: integer('load_id').notNull(),
  ancienCode: text('ancien_code').notNull(),
  ancienNom: text('ancien_nom').notNull(),
  nouveauCode: text('nouveau_code').notNull(),
  nouveauNom: text('nouveau_nom').notNull(),
  date: text('date'),
  mod: integer('mod'),
}, (t) => [index('cog_history_load').on(t.loadId)]);

export const cogEpci = pgTable('cog_epci', {
  loadId: integer('load_id').notNull(),
  code: text('code').notNull(),
  nom: text('nom').notNull(),
  type: text('type').notNull(),
  population: integer('population'),
  membres: text('membres').array().notNull(),
}, (t) => [primaryKey({ columns: [t.loadId, t.code] })]);

export const cogDepartements = pgTable('cog_departements', {
  loadId: integer('load_id').notNull(),
  code: text('code').notNull(),
  nom: text('nom').notNull(),
  region: text('region').notNull(),
  chefLieu: text('chef_lieu'),
  zone: text('zone'),
}, (t) => [primaryKey({ columns: [t.loadId, t.code] })]);

export const cogRegions = pgTable('cog_regions', {
  loadId: integer('load_id').notNull(),
  code: text('code').notNull(),
  nom: text('nom').notNull(),
  chefLieu: text('chef_lieu'),
  zone: text('zone'),
}, (t) => [primaryKey({ columns: [t.loadId, t.code] })]);

/** What one source publishes for one commune (summary, tabular rows, features). */
export const communeDatasets = pgTable('commune_datasets', {
  loadId: integer('load_id').notNull(),
  code: text('code').notNull(),
  data: jsonb('data').notNull(),
  rows: jsonb('rows'),
  features: jsonb('features'),
  /** sha256 of the serialized data, rows and features: what the change feed compares between releases. */
  hash: text('hash'),
}, (t) => [primaryKey({ columns: [t.loadId, t.code] })]);

/** What one source publishes for a territory above the commune as its own (an EPCI's président), by kind and code. */
export const territoryDatasets = pgTable('territory_datasets', {
  loadId: integer('load_id').notNull(),
  kind: text('kind').notNull(),
  code: text('code').notNull(),
  data: jsonb('data').notNull(),
}, (t) => [primaryKey({ columns: [t.loadId, t.kind, t.code] })]);

/**
 * Release-scoped table of the BAN addresses, filled by COPY with the 23 columns
 * of the legacy "csv" export kept as text, so that
 * `/commune/{code}/datasets/ban.csv` can write them back byte for byte.
 */
export const BAN_TABLE = 'ban_adresses';

export const banAdresses = pgTable(BAN_TABLE, {
  loadId: integer('load_id').notNull(),
  id: text('id'),
  idFantoir: text('id_fantoir'),
  numero: text('numero'),
  rep: text('rep'),
  nomVoie: text('nom_voie'),
  codePostal: text('code_postal'),
  codeInsee: text('code_insee'),
  nomCommune: text('nom_commune'),
  codeInseeAncienneCommune: text('code_insee_ancienne_commune'),
  nomAncienneCommune: text('nom_ancienne_commune'),
  x: text('x'),
  y: text('y'),
  lon: text('lon'),
  lat: text('lat'),
  typePosition: text('type_position'),
  alias: text('alias'),
  nomLd: text('nom_ld'),
  libelleAcheminement: text('libelle_acheminement'),
  nomAfnor: text('nom_afnor'),
  sourcePosition: text('source_position'),
  sourceNomVoie: text('source_nom_voie'),
  certificationCommune: text('certification_commune'),
  cadParcelles: text('cad_parcelles'),
  // (load_id, code_insee) serves a commune; `id` last lets the API page through it in key order.
}, (t) => [index('ban_adresses_load_commune').on(t.loadId, t.codeInsee, t.id)]);

/** Bulk tables that hold rows of a load besides `commune_datasets`: a failed or pruned load is deleted from each. */
export const BULK_TABLES = [BAN_TABLE];

/** The commune code column of each bulk table: a partial run carries over the other départements' rows by it. */
export const BULK_COMMUNE_COLUMN: Record<string, string> = { [BAN_TABLE]: 'code_insee' };
