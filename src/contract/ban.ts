/**
 * The BAN legacy "csv" export layout (sources.md §1.2): 23 columns, `;`,
 * UTF-8, header always present. The order is the file's, the bulk table's
 * and the one `ban.csv` is served in.
 */
export const BAN_COLUMNS = [
  'id', 'id_fantoir', 'numero', 'rep', 'nom_voie', 'code_postal', 'code_insee', 'nom_commune',
  'code_insee_ancienne_commune', 'nom_ancienne_commune', 'x', 'y', 'lon', 'lat', 'type_position',
  'alias', 'nom_ld', 'libelle_acheminement', 'nom_afnor', 'source_position', 'source_nom_voie',
  'certification_commune', 'cad_parcelles',
] as const;

export type BanColumn = (typeof BAN_COLUMNS)[number];

export const BAN_HEADER = BAN_COLUMNS.join(';');
