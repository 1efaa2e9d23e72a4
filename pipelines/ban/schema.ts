/**
 * Release-scoped table of the BAN addresses, filled by `ctx.bulk.copy` with the
 * 23 columns of the legacy "csv" export kept as text, so that
 * `/commune/{code}/datasets/ban.csv` can write them back byte for byte.
 */
import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';

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
