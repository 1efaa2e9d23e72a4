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
