/**
 * Synthetic sources for the pack, catalogue, aggregate and change-feed suites:
 * registry entries shaped like real ones, and pipelines yielding fixed records
 * (rows with declared fields and units, features, a summary-only dataset, a
 * bulk table). They exercise the serving code without depending on a real
 * source's pipeline.
 */
import { sourceDefinitionSchema, type SourceDefinition } from '../../src/contract/registry.js';
import type { SourceOutput, SourcePipeline } from '../../pipelines/framework/types.js';
import type { CommuneRecord, FieldSchema } from '../../src/contract/dataset.js';

const LO = { id: 'etalab-2.0', nom: 'Licence Ouverte 2.0', url: 'https://www.etalab.gouv.fr/licence-ouverte-open-licence' } as const;
const ODBL = { id: 'odbl-1.0', nom: 'Open Database License (ODbL) 1.0', url: 'https://opendatacommons.org/licenses/odbl/1-0/' } as const;

export function testSource(id: string, extra: Partial<Record<string, unknown>> = {}): SourceDefinition {
  return sourceDefinitionSchema.parse({
    id,
    titre: `Jeu d'essai ${id}`,
    description: `Jeu d'essai ${id} pour les suites du dossier, du catalogue et des agrégats.`,
    producteur: `Producteur ${id}`,
    licence: LO,
    pageProducteur: `https://example.org/${id}`,
    urls: [`https://example.org/${id}.csv`],
    format: 'csv',
    millesime: '2025',
    finalite: 'Consultation',
    cleCommune: 'code',
    lignesAttendues: { min: 1, max: 100_000 },
    echantillon: ['samples/cog/v_mvt_commune_2024.csv'],
    lignesEchantillon: { min: 1, max: 100_000 },
    theme: 'Statistiques',
    ...extra,
  });
}

export function recordsPipeline(id: string, records: CommuneRecord[], output: Omit<SourceOutput, 'communes'> = {}, bulk?: { table: string; columns: string[]; rows: (string | null)[][] }): SourcePipeline {
  return {
    id,
    async run(ctx) {
      if (bulk) await ctx.bulk.copy(bulk.table, ['load_id', ...bulk.columns], bulk.rows.map((r) => [ctx.bulk.loadId, ...r]));
      async function* communes() {
        for (const r of records) {
          ctx.report.read();
          ctx.report.projected();
          yield r;
        }
      }
      return { ...output, communes: communes() };
    },
  };
}

/** Wide table: one row per commune, with units and declared aggregation. */
export const STATS_FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string', description: 'Code de la commune' },
  { name: 'libelle', type: 'string', description: 'Texte avec « guillemets », virgules, et\nretour à la ligne' },
  { name: 'habitants', type: 'integer', unit: 'habitants', aggregation: 'sum' },
  { name: 'surfaceKm2', type: 'number', unit: 'km²', aggregation: 'sum' },
  { name: 'tauxChomage', type: 'number', unit: '%', aggregation: 'mean-weighted-population' },
  { name: 'revenuMedian', type: 'number', unit: '€', aggregation: 'none' },
  { name: 'rang', type: 'integer' },
  { name: 'labellise', type: 'boolean' },
  { name: 'depuis', type: 'date' },
];

export function statsRecord(code: string, values: { habitants: number | null; surfaceKm2: number; tauxChomage: number | null; revenuMedian: number; rang?: number }): CommuneRecord {
  return {
    code,
    data: { ...values },
    rows: [{
      code, libelle: `Commune ${code}, "essai"\nligne 2`, habitants: values.habitants, surfaceKm2: values.surfaceKm2,
      tauxChomage: values.tauxChomage, revenuMedian: values.revenuMedian, rang: values.rang ?? null, labellise: code.endsWith('8'), depuis: '2024-01-01',
    }],
  };
}

/** Long table: rows keyed by `indicateur`, method given per row. */
export const LONG_FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string' },
  { name: 'indicateur', type: 'string', aggregation: 'key' },
  { name: 'libelle', type: 'string' },
  { name: 'valeur', type: 'number' },
  { name: 'unite', type: 'string' },
  { name: 'agregation', type: 'string', aggregation: 'method' },
];

export function longRecord(code: string, population: number | null, taux: number | null, mediane: number): CommuneRecord {
  return {
    code,
    data: { population, taux, mediane },
    rows: [
      { code, indicateur: 'population', libelle: 'Population', valeur: population, unite: 'habitants', agregation: 'sum' },
      { code, indicateur: 'taux', libelle: 'Taux de pauvreté', valeur: taux, unite: '%', agregation: 'mean-weighted-population' },
      { code, indicateur: 'mediane', libelle: 'Revenu médian', valeur: mediane, unite: '€', agregation: 'none' },
    ],
  };
}

export function square(code: string, x: number, y: number): GeoJSON.Feature {
  return {
    type: 'Feature',
    properties: { code, nom: `Zone « ${code} »` },
    geometry: { type: 'Polygon', coordinates: [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]]] },
  };
}

export const GEO_FIELDS: FieldSchema[] = [
  { name: 'code', type: 'string' },
  { name: 'zone', type: 'string' },
  { name: 'surfaceM2', type: 'number', unit: 'm²', aggregation: 'sum' },
];

export function geoRecord(code: string, zones: number): CommuneRecord {
  const features = Array.from({ length: zones }, (_, i) => square(code, -1.7 + i * 0.02, 48.1));
  return {
    code,
    data: { zones, bbox: [-1.75, 48.07, -1.62, 48.15] },
    rows: features.map((_, i) => ({ code, zone: `Z${i + 1}`, surfaceM2: 1000 * (i + 1) })),
    features,
  };
}

export { LO, ODBL };
